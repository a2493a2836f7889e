/**
 * The provider's entry point: reads the environment, loads and validates configuration, listens, and shuts down
 * cleanly: on SIGTERM after draining for `shutdownDelaySeconds`, on SIGINT at once. A bad option stops the process with
 * exit code 2 and one line naming it.
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
  let closeNow: (() => void) | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    // A second signal while draining stops at once.
    if (closeNow) {
      closeNow();
      return;
    }
    // SIGTERM (Kubernetes) drains: not ready, connections closed after each response, still serving for
    // `shutdownDelaySeconds` while the Service and load balancers stop routing here. SIGINT (Ctrl-C) stops at once.
    const delaySeconds = signal === 'SIGTERM' ? config.shutdownDelaySeconds : 0;
    provider.logger.info({ signal, delaySeconds }, delaySeconds > 0 ? 'draining, then shutting down' : 'shutting down');
    provider.drain();
    let closing = false;
    const close = (): void => {
      if (closing) return;
      closing = true;
      clearTimeout(timer);
      provider.close().then(
        () => process.exit(0),
        (error: unknown) => {
          provider.logger.error({ err: errorLogFields(error) }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    closeNow = close;
    const timer = setTimeout(close, delaySeconds * 1000);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`kubeoidc: ${error.message}`);
    process.exit(2);
  }
  console.error(`kubeoidc: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
