/**
 * A work queue of object keys (`namespace/name`), after client-go's: a key is queued at most once however often it is
 * added; a key being processed is not handed to a second worker, and if added meanwhile it is queued again when
 * done. Failures retry with per-key exponential backoff; an overall token bucket keeps retries of many keys from
 * flooding the API server. Delays are real timers: the queue paces real I/O.
 */

/** Delay before the retry that follows `failures` earlier consecutive failures: base · 2^failures, capped. */
export function backoffDelay(failures: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(baseDelayMs * 2 ** failures, maxDelayMs);
}

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** First retry delay (default 100 ms); doubles per consecutive failure of the key. */
  readonly baseDelayMs?: number;
  /** Longest retry delay (default 5 min). */
  readonly maxDelayMs?: number;
  /** Overall retries per second (default 10) and burst (default 100). */
  readonly qps?: number;
  readonly burst?: number;
  /** Called whenever the queue's depth changes (for the depth gauge). */
  readonly onDepth?: (depth: number) => void;
}

/** A de-duplicating, rate-limited queue of keys. */
export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #failures = new Map<string, number>();
  /** Pending delayed adds: one timer per key, for the earliest time the key was asked to be ready. */
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; readyAt: number }>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  readonly #options: Required<Omit<WorkQueueOptions, 'onDepth'>> & Pick<WorkQueueOptions, 'onDepth'>;
  #tokens: number;
  #tokensAt = Date.now();
  #shutDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.#options = {
      baseDelayMs: options.baseDelayMs ?? 100,
      maxDelayMs: options.maxDelayMs ?? 5 * 60_000,
      qps: options.qps ?? 10,
      burst: options.burst ?? 100,
      onDepth: options.onDepth,
    };
    this.#tokens = this.#options.burst;
  }

  /** Keys waiting (not counting those being processed). */
  get depth(): number {
    return this.#queue.length;
  }

  /** Queues `key` unless it is already waiting. */
  add(key: string): void {
    if (this.#shutDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      this.#processing.add(key);
      this.#dirty.delete(key);
      waiter(key);
      return;
    }
    this.#queue.push(key);
    this.#options.onDepth?.(this.#queue.length);
  }

  /**
   * Queues `key` after `delayMs`. As client-go's delaying queue: when the key already waits for a timer, the earlier
   * ready time wins — a retry after 100 ms replaces a resync due in an hour, a resync due in an hour never postpones a
   * retry due sooner.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.#shutDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = performance.now() + delayMs;
    const pending = this.#timers.get(key);
    if (pending !== undefined) {
      if (pending.readyAt <= readyAt) return;
      clearTimeout(pending.timer);
    }
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#timers.set(key, { timer, readyAt });
  }

  /** Queues `key` after its backoff (which grows with each call until {@link forget}) and the overall rate limit. */
  addRateLimited(key: string): void {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    const backoff = backoffDelay(failures, this.#options.baseDelayMs, this.#options.maxDelayMs);
    this.addAfter(key, Math.max(backoff, this.#bucketDelay()));
  }

  /** How many times `key` failed in a row. */
  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Resets `key`'s backoff (after a success). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** The next key to process; waits for one. Resolves undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#options.onDepth?.(this.#queue.length);
      this.#dirty.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    if (this.#shutDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Marks `key` processed; if it was added meanwhile, it is queued again now. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#dirty.delete(key);
      this.add(key);
    }
  }

  /** Stops handing out keys; waiting workers get undefined, pending delays are dropped. */
  shutDown(): void {
    this.#shutDown = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  /** Token bucket: 0 while there are tokens, else the time until the next one. */
  #bucketDelay(): number {
    const now = Date.now();
    this.#tokens = Math.min(this.#options.burst, this.#tokens + ((now - this.#tokensAt) / 1000) * this.#options.qps);
    this.#tokensAt = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#options.qps) * 1000);
  }
}
