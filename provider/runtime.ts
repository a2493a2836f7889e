import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import type { AccountStore } from './accounts/account-store.ts';
import { RecordAccountStore } from './accounts/file-store.ts';
import { DEFAULT_PASSWORD_HASH_NICE, reniceThreadPool } from './accounts/pool-priority.ts';
import { observedAccounts, observedThrottle, type LoginObserver } from './interactions/observed-login.ts';
import { createApp } from './app.ts';
import { nodeHttp } from './http/node-http.ts';
import { createLoginThrottle } from './interactions/login-throttle.ts';
import { ConfiguredClientStore, loadStaticClients, metadataContext } from './clients/client-store.ts';
import { sealClientSecrets } from './clients/sealed-secrets.ts';
import type { ProviderConfig } from './config/options.ts';
import { ProviderEmitter } from './events/events.ts';
import { Keystore, type KeystoreHolder } from './keys/keystore.ts';
import { loadOrCreateDevKeys, readKeyFile, watchKeyFile } from './keys/load.ts';
import { errorLogFields } from './log/error-fields.ts';
import { accessLog, logEvents } from './log/event-log.ts';
import { createLogger, type Logger } from './log/logger.ts';
import type { Storage } from './storage/adapter.ts';
import { createStorage } from './storage/create.ts';
import { RedisStorage } from './storage/redis/storage.ts';
import { systemClock, type Clock } from './time/clock.ts';
import { setupMetrics } from './metrics/setup.ts';
import type { ProviderMetrics } from './metrics/registry.ts';
import { startMetricsServer } from './metrics/server.ts';
import { instrumentStorage } from './storage/instrumented.ts';
import { streamEvents } from './event-stream/setup.ts';
import packageJson from '../package.json' with { type: 'json' };

export interface RunningProvider {
  /** Base URL the server listens on (`http://127.0.0.1:PORT`). */
  url: string;
  port: number;
  config: ProviderConfig;
  events: ProviderEmitter;
  storage: Storage;
  keys: KeystoreHolder;
  logger: Logger;
  metrics: ProviderMetrics;
  /** Port of `/metrics`, when `config.metricsPort` is not 0. */
  metricsPort?: number;
  /**
   * Begins a graceful stop without closing anything: `/healthz/ready` answers 503 and every response closes its
   * connection (keep-alive clients reconnect to another replica). The entry point calls it at SIGTERM, waits
   * `shutdownDelaySeconds`, then calls `close()`.
   */
  drain(): void;
  /** Stops accepting connections, closes storage and watchers. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** Where log lines go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
  /** Use this storage instead of opening the configured one (tests). */
  storage?: Storage;
  /** Use this account store instead of the configured records/file (tests of other account sources). */
  accounts?: AccountStore;
}

/** How long `close()` lets requests in flight finish before closing their connections (within Kubernetes' 30 s). */
const SHUTDOWN_GRACE_MS = 5_000;

/** Wires storage, keys, events and the app, then listens on `config.host:config.port` (0 picks a free port). */
export async function startProvider(config: ProviderConfig, options: StartOptions = {}): Promise<RunningProvider> {
  const clock = options.clock ?? systemClock;
  const logger = createLogger(config.logLevel, options.logDestination);
  // Static clients are validated before anything opens, so a bad one stops the start naming `clients[i].<field>`.
  const staticClients = loadStaticClients(config.clients, metadataContext(config));
  const events = new ProviderEmitter();
  events.onListenerError = (event, error) => {
    logger.error({ event, err: errorLogFields(error) }, 'event listener failed');
  };
  logEvents(events, logger);
  const keyFile = config.keysFile
    ? await readKeyFile(config.keysFile)
    : await loadOrCreateDevKeys(config.devKeysDir, config.signingAlgorithms);
  const keys: KeystoreHolder = { current: await Keystore.load(keyFile) };
  const stopWatching = config.keysFile
    ? watchKeyFile(
        config.keysFile,
        (keystore) => {
          keys.current = keystore;
          logger.info(
            { activeKeyIds: keystore.activeKeyIds, publishedKeyIds: keystore.publishedKeyIds },
            'keys reloaded',
          );
        },
        (error) => {
          logger.error({ err: errorLogFields(error) }, 'key file reload failed; keeping the current keys');
        },
      )
    : () => undefined;
  const accountStore =
    options.accounts ?? (await RecordAccountStore.create(config.accounts, (path) => readFile(path, 'utf8')));
  if (accountStore instanceof RecordAccountStore) {
    // Accounts come from configuration or a read-only Secret: an outdated hash can only be reported, not rewritten.
    accountStore.onOutdatedHash((accountId) => {
      logger.warn(
        { accountId },
        'password hash uses outdated parameters; it was rehashed in memory only — regenerate it with kubeoidc hash-password',
      );
    });
  }
  // Before any request: hashing (and the rest of the thread pool) yields a busy core to the event loop.
  const poolPriority = await reniceThreadPool(config.accounts.passwordHashNice ?? DEFAULT_PASSWORD_HASH_NICE);
  if (poolPriority.applied)
    logger.debug({ nice: poolPriority.nice, threads: poolPriority.threads }, 'thread pool reniced');
  else logger.debug({ reason: poolPriority.reason }, 'thread pool priority left unchanged');
  const metricLabelClients = new Set([...config.metricsClientAllowlist, ...config.clients.map((c) => c.client_id)]);
  const { metrics, observeRequest, observeStorage, observeLogin } = setupMetrics(events, {
    version: packageJson.version,
    keys: () => keys.current,
    allowClient: (clientId) => metricLabelClients.has(clientId),
  });
  const rawStorage =
    options.storage ??
    (await createStorage(config.storage, clock, {
      // Once per change (not per reconnection attempt): Redis lost, Redis back.
      onAvailabilityChange: (available, reason) => {
        if (available) logger.info('storage available');
        else logger.warn({ reason }, 'storage unavailable; requests that need it answer 503 until it is back');
      },
    }));
  // Client secrets that must stay usable (client_secret_jwt) are sealed with the key file's secretKeys at rest.
  const storage = sealClientSecrets(instrumentStorage(rawStorage, observeStorage), () => keys.current.secretBox);
  // The operator's event stream lives next to the state, on the storage's own client (Redis only; docs/event-bridge.md).
  const eventStream =
    rawStorage instanceof RedisStorage && config.storage.type === 'redis'
      ? streamEvents({
          events,
          client: rawStorage.client,
          keyPrefix: config.storage.keyPrefix,
          issuer: config.issuer,
          options: config.eventStream,
          clock,
          registry: metrics.registry,
        })
      : undefined;
  const clients = new ConfiguredClientStore(staticClients, storage.adapter('Client'));
  // Login rate-limit counters live with the rest of the state: in Redis when the storage is Redis (shared client).
  // Failed logins and lockouts: a metric without account labels and a log line (provider/interactions/observed-login.ts).
  const onLogin: LoginObserver = (outcome, details) => {
    observeLogin(outcome);
    if (outcome === 'failure') logger.info({ login: outcome }, 'login failed: wrong username or password');
    if (outcome === 'locked_out') {
      logger.warn({ login: outcome, address: details.address }, 'login refused: too many failed attempts');
    }
  };
  const accounts = observedAccounts(accountStore, onLogin);
  const loginThrottle = observedThrottle(
    createLoginThrottle(
      rawStorage instanceof RedisStorage ? config.storage : { type: 'memory', maxEntries: 0 },
      rawStorage instanceof RedisStorage ? { redisClient: rawStorage.client } : {},
    ),
    onLogin,
  );
  const logRequest = accessLog(logger);
  let draining = false;
  const { listener } = createApp(config, {
    draining: () => draining,
    storage,
    keys,
    events,
    clock,
    logger,
    accounts,
    clients,
    observeRequest: (sample) => {
      observeRequest(sample);
      logRequest(sample);
    },
    loginThrottle,
  });
  const metricsServer =
    config.metricsPort > 0 ? await startMetricsServer(metrics.registry, config.host, config.metricsPort) : undefined;
  const server: Server = nodeHttp.createServer(listener);
  server.listen(config.port, config.host);
  // Ahead of the app, so the header is set before any handler answers (some answer synchronously).
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
  });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    config,
    events,
    storage,
    keys,
    logger,
    metrics,
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    drain() {
      draining = true;
    },
    close() {
      draining = true;
      closing ??= (async () => {
        stopWatching();
        // Stop accepting, let requests in flight finish, and cut whatever is still open after the grace period: a
        // client holding a connection must not keep a replica from shutting down (or a test from finishing).
        server.closeIdleConnections();
        const closed = new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        );
        const force = setTimeout(() => {
          server.closeAllConnections();
        }, SHUTDOWN_GRACE_MS);
        force.unref();
        await closed;
        clearTimeout(force);
        await metricsServer?.close();
        await eventStream?.drain();
        if (!options.storage) await rawStorage.close();
      })();
      return closing;
    },
  };
}
