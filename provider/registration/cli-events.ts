/**
 * The CLI's events reach the consumers the provider's do. `kubeoidc create-initial-access-token` and
 * `revoke-initial-access-token` save and destroy InitialAccessToken records in the provider's Redis storage, from a
 * process of their own: their `initial_access_token.saved/.destroyed` events go to the same log (structured lines on
 * standard error, at the configured `logLevel`; standard output carries only the token) and, when the event stream is
 * enabled, to the same Redis stream as a provider replica's. Metrics are per provider process and scraped from
 * `/metrics`: a command that exits at once has none (docs/events.md).
 */
import { Registry } from 'prom-client';
import type { DestinationStream } from 'pino';
import type { ProviderConfig } from '../config/options.ts';
import { streamEvents } from '../event-stream/setup.ts';
import { eventNames, ProviderEmitter, type EventName } from '../events/events.ts';
import { logEvents } from '../log/event-log.ts';
import { createLogger } from '../log/logger.ts';
import type { Storage } from '../storage/adapter.ts';
import { RedisStorage } from '../storage/redis/storage.ts';
import type { Clock } from '../time/clock.ts';

/** The CLI's emitter with its consumers subscribed; `drain()` before closing the storage. */
export interface CliEvents {
  events: ProviderEmitter;
  drain: () => Promise<void>;
}

/** A fresh emitter with the log and the event stream subscribed; `options.events` also hears every event. */
export function cliEvents(
  config: ProviderConfig,
  storage: Storage,
  options: { clock: Clock; events?: ProviderEmitter; logDestination?: DestinationStream },
): CliEvents {
  // The CLI's own emitter per run, so its consumers are subscribed once; an embedder's emitter hears every event too.
  const events = new ProviderEmitter();
  const observer = options.events;
  if (observer) {
    for (const name of eventNames) {
      events.on(name, (...args: unknown[]) => {
        (observer.emitSafely as (event: EventName, ...a: unknown[]) => void).call(observer, name, ...args);
      });
    }
  }
  // Standard error by default (fd 2): standard output is the token, for scripts to capture.
  const logger = createLogger(
    config.logLevel,
    options.logDestination ?? { write: (line: string) => process.stderr.write(line) },
  );
  events.onListenerError = (event, error) => {
    logger.error({ event, err: error }, 'event listener failed');
  };
  logEvents(events, logger);
  const writer =
    storage instanceof RedisStorage && config.storage.type === 'redis'
      ? streamEvents({
          events,
          client: storage.client,
          keyPrefix: config.storage.keyPrefix,
          issuer: config.issuer,
          options: config.eventStream,
          clock: options.clock,
          registry: new Registry(),
        })
      : undefined;
  return { events, drain: async () => writer?.drain() };
}
