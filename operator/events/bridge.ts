/**
 * The operator's half of the event bridge (DESIGN.md "Event bridge", docs/event-bridge.md): for every OIDCProvider
 * a {@link StreamConsumer} reads the provider's Redis stream and each record becomes a Kubernetes Event on the
 * OIDCClient it concerns, or the OIDCProvider, behind a token bucket per object and reason that drops (and counts) a
 * flood. Delivery is at least once (an entry is acknowledged after its Event was written; a failed write is retried
 * with backoff) and the write is idempotent per entry (stream-event-writer.ts), so every record becomes exactly one
 * Event or one series increment. Runs only on the leader: `operator.ts` starts it with the controllers and stops it
 * when leadership is lost; a hand-over, or two replicas briefly both reading, duplicates nothing.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { streamKey, type EventStreamRecord } from '../../provider/event-stream/record.ts';
import { KubeApiError, type KubeClient } from '../kube/client.ts';
import type { OIDCProvider } from '../kube/crds.ts';
import type { Clock } from '../time.ts';
import { StreamConsumer } from './consumer.ts';
import { streamEventWriter } from './stream-event-writer.ts';
import { describeRecord } from './describe.ts';
import { bridgeMetrics } from './metrics.ts';
import { openRedis, resolveRedis } from './redis-connection.ts';
import type { GroupStats } from './stream-stats.ts';
import { startTargets } from './targets.ts';
import { DEFAULT_RATE_LIMIT, TokenBuckets, type RateLimit } from './token-bucket.ts';

/** Tunables of the bridge (tests shorten them). */
export interface EventBridgeOptions {
  /** Limit on Events per object and reason (default 25 at once, then one per 10 s). */
  readonly rateLimit?: RateLimit;
  /** Pending entries of another consumer idle this long are claimed (default 60 s). */
  readonly claimMinIdleMs?: number;
  /** How often to look for them (default 10 s). */
  readonly claimIntervalMs?: number;
  /** How long one stream read blocks (default 2 s; also the longest wait for `stop`). */
  readonly blockMs?: number;
  /** How often Secrets named by `spec.redis` are re-read (default 60 s). */
  readonly resyncMs?: number;
  /** First wait after a failed Event write (default 1 s), doubling up to `retryMaxMs` (default 30 s). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

/** What the bridge needs. */
export interface EventBridgeDeps {
  readonly kubeConfig: KubeConfig;
  readonly client: KubeClient;
  readonly clock: Clock;
  /** Consumer name in the group: this replica's identity (pod name). */
  readonly identity: string;
  readonly watchNamespace?: string | undefined;
  readonly registry: Registry;
  readonly log: { info(message: string): void; error(message: string, error?: unknown): void };
  readonly options?: EventBridgeOptions;
}

/** A running bridge. */
export interface RunningEventBridge {
  /** Resolves when the caches are warm and a consumer runs for every provider known then. */
  readonly synced: Promise<void>;
  stop(): Promise<void>;
}

interface Bridged {
  provider: OIDCProvider;
  fingerprint: string;
  consumer: StreamConsumer;
}

/** Starts the bridge. */
export function startEventBridge(deps: EventBridgeDeps): RunningEventBridge {
  const { client, log, options = {} } = deps;
  const metrics = bridgeMetrics(deps.registry);
  const buckets = new TokenBuckets(options.rateLimit ?? DEFAULT_RATE_LIMIT, deps.clock);
  const writer = streamEventWriter(client, deps.identity);
  const bridged = new Map<string, Bridged>();
  const unresolved = new Map<string, string>();
  let stopped = false;
  let syncing: Promise<void> = Promise.resolve();

  const handle = async (uid: string, record: EventStreamRecord | undefined, entryId: string): Promise<void> => {
    const provider = bridged.get(uid)?.provider;
    if (record === undefined || provider === undefined) {
      metrics.dropped.inc({ reason: 'invalid' });
      return;
    }
    if (record.issuer !== provider.spec.issuer) {
      metrics.dropped.inc({ reason: 'foreign_issuer' }); // another provider sharing the Redis and key prefix
      return;
    }
    const target = targets.targetOf(provider, record.clientId);
    const described = describeRecord(record);
    // Per object and reason: a flood of one kind (anyone can cause invalid_client) cannot crowd out another.
    const admit = (): boolean => buckets.take(`${target.metadata?.uid ?? ''}/${described.reason}`);
    let outcome;
    try {
      outcome = await writer.write(target, described, entryId, admit);
    } catch (error) {
      if (!isPermanent(error)) throw error; // retried with backoff; the entry stays pending
      metrics.dropped.inc({ reason: 'rejected' });
      log.error(`event bridge: the API server refused the Event of stream entry ${entryId}; dropped`, error);
      return;
    }
    if (outcome === 'declined') metrics.dropped.inc({ reason: 'rate_limited' });
    else metrics.records.inc({ result: outcome });
  };

  /**
   * Errors of one consumer, logged once per distinct message (an outage is retried every second). An unreachable
   * Redis is logged as information: the provider itself reports it (readiness, Degraded), and the bridge resumes.
   */
  const errorLog = (name: string): ((error: unknown, connected: boolean) => void) => {
    let last = '';
    return (error, connected) => {
      const message = error instanceof Error ? error.message : String(error);
      if (message === last) return;
      last = message;
      const text = `event bridge: reading the event stream of OIDCProvider ${name} failed; retrying`;
      if (connected) log.error(text, error);
      else log.info(`${text}: Redis unreachable (${message})`);
    };
  };

  /** Lag as a gauge; entries trimmed before the group read them counted and logged (the consumer reports each once). */
  const statsReporter = (provider: OIDCProvider, name: string): ((stats: GroupStats) => void) => {
    const labels = { namespace: provider.metadata.namespace ?? '', name: provider.metadata.name ?? '' };
    return (stats) => {
      if (stats.lag !== undefined) metrics.lag.set(labels, stats.lag);
      if (stats.trimmedUnread === 0) return;
      metrics.trimmed.inc(labels, stats.trimmedUnread);
      log.error(
        `event bridge: ${String(stats.trimmedUnread)} record(s) of OIDCProvider ${name} were trimmed from the stream ` +
          'before the operator read them (raise eventStream.maxLength, or find why the operator was behind)',
      );
    };
  };

  const sync = async (): Promise<void> => {
    const seen = new Set<string>();
    for (const provider of targets.providers()) {
      if (stopped) return;
      const uid = provider.metadata.uid ?? '';
      const name = `${provider.metadata.namespace ?? ''}/${provider.metadata.name ?? ''}`;
      seen.add(uid);
      const known = bridged.get(uid);
      let resolved;
      try {
        resolved = await resolveRedis(client, provider);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // Once per distinct problem, not at every resync. Information only: the provider's pods need the same
        // Secrets and report their absence; the bridge follows as soon as they exist.
        if (unresolved.get(uid) !== message)
          log.info(`event bridge: no Redis for OIDCProvider ${name} yet: ${message}`);
        unresolved.set(uid, message);
        continue;
      }
      unresolved.delete(uid);
      if (known?.fingerprint === resolved.fingerprint) {
        known.provider = provider;
        continue;
      }
      await known?.consumer.stop();
      const consumer = new StreamConsumer({
        redis: openRedis(resolved),
        key: streamKey(resolved.keyPrefix),
        consumer: deps.identity,
        handle: (record, entryId) => handle(uid, record, entryId),
        onError: errorLog(name),
        onStats: statsReporter(provider, name),
        ...(options.blockMs === undefined ? {} : { blockMs: options.blockMs }),
        ...(options.claimMinIdleMs === undefined ? {} : { claimMinIdleMs: options.claimMinIdleMs }),
        ...(options.claimIntervalMs === undefined ? {} : { claimIntervalMs: options.claimIntervalMs }),
        ...(options.retryBaseMs === undefined ? {} : { retryBaseMs: options.retryBaseMs }),
        ...(options.retryMaxMs === undefined ? {} : { retryMaxMs: options.retryMaxMs }),
      });
      bridged.set(uid, { provider, fingerprint: resolved.fingerprint, consumer });
      consumer.start();
    }
    for (const [uid, { consumer }] of bridged) {
      if (seen.has(uid)) continue;
      bridged.delete(uid);
      await consumer.stop();
    }
  };
  const resync = (): void => {
    syncing = syncing.then(sync).catch((error: unknown) => {
      log.error('event bridge: sync failed', error);
    });
  };

  const targets = startTargets(deps.kubeConfig, client, deps.watchNamespace, resync, (error) => {
    log.error('event bridge: informer failed; restarting', error);
  });
  const timer = setInterval(resync, options.resyncMs ?? 60_000);
  const synced = targets.synced.then(() => {
    resync();
    return syncing;
  });

  return {
    synced,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await targets.stop();
      await syncing;
      await Promise.all([...bridged.values()].map(({ consumer }) => consumer.stop()));
      bridged.clear();
    },
  };
}

/**
 * Errors that another attempt cannot fix: the API server understood the request and refused the Event itself
 * (400 Bad Request, 404 the namespace is gone, 422 Invalid). Everything else — no connection, a deadline, 401/403
 * while credentials or RBAC are being fixed, 408/429, 5xx — is retried, so an outage loses nothing.
 */
function isPermanent(error: unknown): boolean {
  return error instanceof KubeApiError && [400, 404, 422].includes(error.status);
}
