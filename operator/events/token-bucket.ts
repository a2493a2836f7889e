/**
 * Per-object token buckets: each object may receive `burst` Events at once and then `refillPerSecond` on average, as
 * client-go's EventSourceObjectSpamFilter does, so a flood of provider errors about one client cannot overwhelm the
 * API server. Buckets live in a bounded map (least recently used forgotten first); a forgotten bucket starts full.
 */
import type { Clock } from '../time.ts';

/** Limits of {@link TokenBuckets}. */
export interface RateLimit {
  /** Events an object may receive at once. */
  readonly burst: number;
  /** Events per second an object may receive on average after the burst. */
  readonly refillPerSecond: number;
}

/** client-go's spam filter allows 25 at once, then one per 5 minutes; Events here fold into series, so more. */
export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 25, refillPerSecond: 0.1 };

const MAX_BUCKETS = 10_000;

/** Token buckets keyed by object. */
export class TokenBuckets {
  readonly #limit: RateLimit;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(limit: RateLimit, clock: Clock) {
    this.#limit = limit;
    this.#clock = clock;
  }

  /** Takes one token from `key`'s bucket; false when it is empty (the Event is to be dropped). */
  take(key: string): boolean {
    const now = this.#clock.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#limit.burst, at: now };
    bucket.tokens = Math.min(
      this.#limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.#limit.refillPerSecond,
    );
    bucket.at = now;
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > MAX_BUCKETS) this.#buckets.delete(this.#buckets.keys().next().value ?? '');
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
