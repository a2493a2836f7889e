/**
 * Appends records to the bounded Redis stream without ever making a request wait for Redis or fail because of it:
 * `push` only puts the record in a bounded in-process buffer and returns; one flush at a time sends the buffer as a
 * pipeline of `XADD <key> MAXLEN ~ <maxLength> * …` (approximate trimming keeps XADD O(1) amortised while the
 * stream stays near `maxLength` entries). A full buffer, a disconnected client or a failed XADD drops records and
 * counts them (`onDropped`); nothing is retried, so an outage cannot build a backlog.
 */
import { toStreamFields, type EventStreamRecord } from './record.ts';

/** The part of an ioredis client (standalone, Sentinel or Cluster) the writer uses. */
export interface StreamClient {
  readonly status: string;
  pipeline(): {
    xadd(key: string, ...args: (string | number)[]): unknown;
    exec(): Promise<[Error | null, unknown][] | null>;
  };
}

/** Options of {@link EventStreamWriter}. */
export interface EventStreamWriterOptions {
  readonly client: StreamClient;
  /** Stream key (`streamKey(keyPrefix)`). */
  readonly key: string;
  /** Approximate upper bound of stream entries (`MAXLEN ~`). */
  readonly maxLength: number;
  /** Records waiting to be written at most; more are dropped. */
  readonly bufferSize: number;
  /** Called with the number of records dropped (buffer full, Redis unavailable, XADD failed). */
  readonly onDropped: (count: number) => void;
  /** Called with the number of records written. */
  readonly onWritten?: (count: number) => void;
}

/** Fire-and-forget writer of one stream. */
export class EventStreamWriter {
  readonly #o: EventStreamWriterOptions;
  #buffer: EventStreamRecord[] = [];
  #flushing: Promise<void> | undefined;
  #scheduled = false;

  constructor(options: EventStreamWriterOptions) {
    this.#o = options;
  }

  /** Queues a record; never throws, never waits. */
  push(record: EventStreamRecord): void {
    if (this.#buffer.length >= this.#o.bufferSize) {
      this.#o.onDropped(1);
      return;
    }
    this.#buffer.push(record);
    this.#schedule();
  }

  /** Resolves once everything queued so far was written or dropped (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.#flushing !== undefined || this.#buffer.length > 0) {
      if (this.#flushing === undefined) this.#startFlush();
      await this.#flushing;
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing !== undefined) return;
    this.#scheduled = true;
    // After the current request's synchronous work, so a burst of events goes out as one pipeline.
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#flushing === undefined) this.#startFlush();
    });
  }

  #startFlush(): void {
    const batch = this.#buffer;
    this.#buffer = [];
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = undefined;
      if (this.#buffer.length > 0) this.#schedule();
    });
  }

  async #write(batch: EventStreamRecord[]): Promise<void> {
    if (batch.length === 0) return;
    const { client, key, maxLength } = this.#o;
    // A disconnected client would reject each command at once anyway (no offline queue): skip the round trip.
    if (client.status !== 'ready') {
      this.#o.onDropped(batch.length);
      return;
    }
    try {
      const pipeline = client.pipeline();
      for (const record of batch) pipeline.xadd(key, 'MAXLEN', '~', maxLength, '*', ...toStreamFields(record));
      const results = (await pipeline.exec()) ?? [];
      const failed = results.filter(([error]) => error !== null).length + (batch.length - results.length);
      if (failed > 0) this.#o.onDropped(failed);
      if (batch.length - failed > 0) this.#o.onWritten?.(batch.length - failed);
    } catch {
      this.#o.onDropped(batch.length);
    }
  }
}
