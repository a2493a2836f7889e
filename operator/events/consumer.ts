/**
 * Reads one provider's event stream as a member of the consumer group `kubeoidc-operator`, at least once per entry:
 *
 * - The group is created at `$` (MKSTREAM) the first time: records written before any operator ever read the stream
 *   are not turned into Events long after the fact. Afterwards the group remembers what was delivered, so a restart
 *   or a new leader resumes where the group stopped — nothing written meanwhile is lost (within the stream's bound).
 * - An entry is acknowledged (`XACK`) only after `handle` resolved. When `handle` throws (the API server is down, or
 *   refused for a reason worth retrying), the consumer stops the batch, waits with exponential backoff
 *   (`retryBaseMs` doubling up to `retryMaxMs`) and reads its own pending entries again (id `0`), oldest first, until
 *   they are handled. The same happens on start: the consumer name is the pod name, so a restarted pod finishes what
 *   it had read but not acknowledged.
 * - Every `claimIntervalMs` it takes over entries another consumer read but did not acknowledge for `claimMinIdleMs`
 *   (`XAUTOCLAIM`): a replica that died mid-batch does not leave them pending forever. Entries that trimming removed
 *   meanwhile are acknowledged away. A claimed entry may still be in the hands of a slow consumer: `handle` must be
 *   idempotent per entry id (the bridge derives the Event from the entry, see stream-event-writer.ts).
 * - At the same interval it reports the group's lag and the entries trimmed before the group read them
 *   (stream-stats.ts).
 *
 * Redis errors (outage, failover, a deleted stream) are reported and retried a second later; `stop` ends the loop.
 */
import type { Cluster, Redis } from 'ioredis';
import { fromStreamFields, type EventStreamRecord } from '../../provider/event-stream/record.ts';
import { readGroupStats, settleGap, type GroupStats } from './stream-stats.ts';

/** Consumer group of every operator replica. */
export const CONSUMER_GROUP = 'kubeoidc-operator';

/** Options of {@link StreamConsumer}. */
export interface StreamConsumerOptions {
  readonly redis: Redis | Cluster;
  /** The stream key (`streamKey(keyPrefix)`). */
  readonly key: string;
  /** This replica's consumer name (the pod name). */
  readonly consumer: string;
  /**
   * Handles one record; the entry is acknowledged when it resolves. Throwing means "try again later": the entry stays
   * pending and is handled again after a backoff, so a record that can never succeed must resolve (and count itself
   * as dropped) rather than throw.
   */
  readonly handle: (record: EventStreamRecord | undefined, id: string) => Promise<void>;
  /** Receives the group's stats at every claim interval. */
  readonly onStats?: (stats: GroupStats) => void;
  /** Reports a failure; `connected` is false when Redis was unreachable (retried, expected during an outage). */
  readonly onError: (error: unknown, connected: boolean) => void;
  /** Entries read per call (default 100). */
  readonly count?: number;
  /** How long one XREADGROUP blocks (default 2000 ms). */
  readonly blockMs?: number;
  /** Pending entries idle this long are taken over from their consumer (default 60 s). */
  readonly claimMinIdleMs?: number;
  /** How often to look for such entries (default 10 s). */
  readonly claimIntervalMs?: number;
  /** First wait after a failed `handle` (default 1 s); doubles per consecutive failure. */
  readonly retryBaseMs?: number;
  /** Longest wait after a failed `handle` (default 30 s). */
  readonly retryMaxMs?: number;
}

/** `handle` failed: the batch stops here and the consumer backs off. */
class HandleFailed extends Error {
  constructor(cause: unknown) {
    super('handling a stream entry failed', { cause });
  }
}

type Entry = [id: string, fields: string[] | null];

/** Consumes one stream until stopped. */
export class StreamConsumer {
  readonly #o: StreamConsumerOptions;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: StreamConsumerOptions) {
    this.#o = options;
    // Failures surface through the commands; without a listener ioredis would also print every one to stderr.
    options.redis.on('error', () => undefined);
  }

  /** Starts the loop (connecting the client). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops the loop and closes the client. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    this.#o.redis.disconnect();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { redis } = this.#o;
    let ready = false;
    let ownBacklog = true;
    let lastClaim = 0;
    let failures = 0;
    while (this.#running) {
      try {
        if (!ready) {
          if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
          await this.#createGroup();
          ready = true;
        }
        if (Date.now() - lastClaim >= (this.#o.claimIntervalMs ?? 10_000)) {
          lastClaim = Date.now();
          await this.#claim();
          await this.#reportStats();
        }
        const entries = await this.#read(ownBacklog ? '0' : '>');
        if (ownBacklog && entries.length === 0) ownBacklog = false;
        await this.#handleAll(entries);
        failures = 0;
      } catch (error) {
        if (this.#stopped()) break;
        if (error instanceof HandleFailed) {
          // Re-read this consumer's pending entries, oldest first, once the backoff is over.
          ownBacklog = true;
          failures += 1;
          this.#o.onError(error.cause, true);
          const base = this.#o.retryBaseMs ?? 1000;
          await this.#sleep(Math.min(this.#o.retryMaxMs ?? 30_000, base * 2 ** Math.min(failures - 1, 16)));
          continue;
        }
        if (error instanceof Error && error.message.startsWith('NOGROUP')) ready = false;
        this.#o.onError(error, redis.status === 'ready');
        await this.#sleep(1000);
      }
    }
  }

  async #reportStats(): Promise<void> {
    if (this.#o.onStats === undefined) return;
    const stats = await readGroupStats(this.#o.redis, this.#o.key, CONSUMER_GROUP);
    if (stats === undefined) return;
    if (stats.trimmedUnread > 0) {
      // Counted once: afterwards the group's counter no longer includes what was trimmed, so its lag is true.
      this.#o.onStats({ ...stats, lag: stats.length });
      await settleGap(this.#o.redis, this.#o.key, CONSUMER_GROUP, stats);
      return;
    }
    this.#o.onStats(stats);
  }

  async #createGroup(): Promise<void> {
    try {
      await this.#o.redis.xgroup('CREATE', this.#o.key, CONSUMER_GROUP, '$', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
  }

  async #read(id: string): Promise<Entry[]> {
    const { redis, key, consumer } = this.#o;
    const reply = (await redis.call(
      'XREADGROUP',
      'GROUP',
      CONSUMER_GROUP,
      consumer,
      'COUNT',
      String(this.#o.count ?? 100),
      'BLOCK',
      String(this.#o.blockMs ?? 2000),
      'STREAMS',
      key,
      id,
    )) as [string, Entry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  /** Takes over entries idle for `claimMinIdleMs` from any consumer, in batches until the scan is complete. */
  async #claim(): Promise<void> {
    const { redis, key, consumer } = this.#o;
    let cursor = '0-0';
    do {
      const [next, entries, deleted] = (await redis.call(
        'XAUTOCLAIM',
        key,
        CONSUMER_GROUP,
        consumer,
        String(this.#o.claimMinIdleMs ?? 60_000),
        cursor,
        'COUNT',
        String(this.#o.count ?? 100),
      )) as [string, Entry[], string[] | undefined];
      await this.#handleAll(entries);
      if (deleted !== undefined && deleted.length > 0) await redis.xack(key, CONSUMER_GROUP, ...deleted);
      cursor = next;
    } while (cursor !== '0-0' && this.#running);
  }

  async #handleAll(entries: readonly Entry[]): Promise<void> {
    for (const [id, fields] of entries) {
      if (!this.#running) return;
      try {
        await this.#o.handle(fromStreamFields(fields), id);
      } catch (error) {
        throw new HandleFailed(error);
      }
      await this.#o.redis.xack(this.#o.key, CONSUMER_GROUP, id);
    }
  }

  /** Re-reads the flag after an await (`stop` may have run meanwhile). */
  #stopped(): boolean {
    return !this.#running;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
