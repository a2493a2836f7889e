/**
 * The provider's entry point: reads the environment, loads and validates configuration, listens, and shuts down
 * cleanly on SIGTERM/SIGINT. A bad option stops the process with exit code 2 and one line naming it.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from './config/config-error.ts';
import { errorLogFields } from './log/error-fields.ts';
import { loadConfig } from './config/load.ts';
import { startupBanner } from './banner.ts';
import { startProvider } from './runtime.ts';

async function main(): Promise<void> {
  const config = await loadConfig({ env: process.env, readFile: (path) => readFile(path, 'utf8') });
  const provider = await startProvider(config);
  for (const line of startupBanner({ ...config, port: provider.port })) console.log(line);
  const shutdown = (signal: string): void => {
    provider.logger.info({ signal }, 'shutting down');
    provider.close().then(
      () => process.exit(0),
      (error: unknown) => {
        provider.logger.error({ err: errorLogFields(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`kubeoidc: ${error.message}`);
    process.exit(2);
  }
  console.error(`kubeoidc: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
