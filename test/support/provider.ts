/**
 * Starts a real provider in-process for a test: issuer on a free loopback port, development keys in a temp dir,
 * metrics off unless asked for, and whatever the test overrides. `stop()` closes it and removes the temp dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepMerge } from '../../provider/config/merge.ts';
import { defaults, type ProviderConfig } from '../../provider/config/options.ts';
import { validateConfig } from '../../provider/config/validate.ts';
import { startProvider, type RunningProvider, type StartOptions } from '../../provider/runtime.ts';
import { freePort } from './free-port.ts';

export interface TestProvider extends RunningProvider {
  issuer: string;
  stop(): Promise<void>;
}

/** `overrides` is a partial configuration deep-merged over the defaults (arrays replace). */
export async function startTestProvider(
  overrides: Record<string, unknown> = {},
  options: StartOptions = {},
): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const devKeysDir = await mkdtemp(join(tmpdir(), 'kubeoidc-test-keys-'));
  const config: ProviderConfig = validateConfig(
    deepMerge(defaults, {
      issuer,
      port,
      host: '127.0.0.1',
      metricsPort: 0,
      devKeysDir,
      logLevel: 'warn',
      ...overrides,
    }),
  );
  const provider = await startProvider(config, options);
  return {
    ...provider,
    issuer,
    async stop() {
      await provider.close();
      await rm(devKeysDir, { recursive: true, force: true });
    },
  };
}
