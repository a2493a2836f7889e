import type { Cluster, Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ConfigError } from '../config/config-error.ts';
import type { StorageOptions } from '../config/options.ts';
import { StorageUnavailableError } from '../storage/adapter.ts';
import { accountKey, addressKey } from './login-keys.ts';
import { RedisLoginThrottle } from './redis-login-throttle.ts';

/**
 * Rate limiting of login attempts, per account (the username typed, whether or not it exists, so the limit does not
 * reveal which exist) and per client address. Each attempt takes its place in both counts *before* the password is
 * checked (`admit`), so a burst of parallel guesses cannot all pass a check made before any of them was counted; a
 * correct password gives its place back (`succeeded`: the account's count is cleared, the address's count loses this
 * attempt). Past the limit, attempts are refused unchecked until the window ends, and a refused attempt is not counted.
 * Counters live where the rest of the state lives — in process for `memory` storage, in Redis for `redis`, where each
 * increment is atomic — so with several replicas an attacker can neither race the limit nor multiply it by spreading
 * attempts across them.
 */

export interface LoginAttempt {
  /** The username as typed. */
  username: string;
  /** The client address the attempt came from. */
  address: string;
}

export interface LoginThrottle {
  /**
   * Counts an attempt before it is checked. Resolves 0 when it may be checked, or the seconds to wait when the username
   * or the address is over its limit (the attempt is then not counted and must not be checked).
   */
  admit(attempt: LoginAttempt): Promise<number>;
  /**
   * Counts an attempt as `admit` does, starting now, before the caller knows whether it will check the attempt at all:
   * the count then goes to the store together with the caller's own reads (one round trip instead of two). The caller
   * takes the verdict once it goes on to the check, or withdraws the attempt when it refuses the form for another
   * reason (no such interaction, a wrong CSRF token), so that such a form is not counted, as with a later `admit`.
   */
  begin(attempt: LoginAttempt): PendingAttempt;
  /** The admitted attempt succeeded: clears the username's count and takes the attempt off the address's count. */
  succeeded(attempt: LoginAttempt): Promise<void>;
  /** Takes an admitted attempt that turned out not to be a failure off both counts (and clears nothing else). */
  refund(attempt: LoginAttempt): Promise<void>;
}

/** An attempt counted ahead of its verdict (`LoginThrottle.begin`). */
export interface PendingAttempt {
  /** What `admit` would resolve: 0 when the attempt may be checked, else the seconds to wait (not counted then). */
  verdict(): Promise<number>;
  /**
   * The attempt will not be checked: gives back the place it took, if it took one (a refused attempt took none; a
   * count that failed counted nothing). Rejects when the store fails to give it back.
   */
  withdraw(): Promise<void>;
}

/**
 * A pending attempt over a count already sent (`counted`, what `admit` resolves) and the throttle's `refund`. The
 * count's failure reaches whoever takes the verdict, never as an unhandled rejection when the attempt is withdrawn.
 */
export function pendingAttempt(counted: Promise<number>, refund: () => Promise<void>): PendingAttempt {
  const settled = counted.then(
    (wait) => wait,
    () => undefined,
  );
  return {
    verdict: () => counted,
    async withdraw() {
      if ((await settled) === 0) await refund();
    },
  };
}

export interface LoginLimits {
  /** Failed attempts per username within `duration`. */
  perAccount: number;
  /** Failed attempts per client address within `duration` (higher: several users may share an address). */
  perAddress: number;
  /** Window in seconds. */
  duration: number;
}

export const defaultLoginLimits: LoginLimits = { perAccount: 5, perAddress: 20, duration: 15 * 60 };

/** A store failure (Redis down) is an outage — 503 `temporarily_unavailable` — never a reason to skip the limit. */
async function unavailableOnFailure<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw new StorageUnavailableError('login rate limit store is unavailable', { cause: error });
  }
}

/** One limiter's verdict on a consumed point: admitted, or refused with the milliseconds until its window ends. */
type Verdict = { admitted: true } | { admitted: false; msBeforeNext: number };

/**
 * Consumes one point. rate-limiter-flexible rejects with a `RateLimiterRes` when the limit is exceeded (the point is
 * counted all the same) and with an `Error` when the store fails.
 */
async function consumeOne(limiter: RateLimiterAbstract, key: string): Promise<Verdict> {
  try {
    await limiter.consume(key, 1);
    return { admitted: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { admitted: false, msBeforeNext: rejection.msBeforeNext };
    throw rejection;
  }
}

/** A LoginThrottle over two rate-limiter-flexible limiters (any store). */
export class LimiterLoginThrottle implements LoginThrottle {
  readonly #perAccount: RateLimiterAbstract;
  readonly #perAddress: RateLimiterAbstract;

  constructor(perAccount: RateLimiterAbstract, perAddress: RateLimiterAbstract) {
    this.#perAccount = perAccount;
    this.#perAddress = perAddress;
  }

  async admit(attempt: LoginAttempt): Promise<number> {
    const account = accountKey(attempt.username);
    const address = addressKey(attempt.address);
    const verdicts = await unavailableOnFailure(
      Promise.all([consumeOne(this.#perAccount, account), consumeOne(this.#perAddress, address)]),
    );
    const refused = verdicts.filter((verdict) => !verdict.admitted);
    if (refused.length === 0) return 0;
    // Not checked, so not counted: give back both points. Each count stays at or above its limit meanwhile (the other
    // attempts of a burst hold their places), so no later attempt is admitted by this refund.
    await this.refund(attempt);
    return Math.max(1, ...refused.map((verdict) => Math.ceil(verdict.msBeforeNext / 1000)));
  }

  begin(attempt: LoginAttempt): PendingAttempt {
    return pendingAttempt(this.admit(attempt), () => this.refund(attempt));
  }

  async refund(attempt: LoginAttempt): Promise<void> {
    await unavailableOnFailure(
      Promise.all([
        this.#perAccount.reward(accountKey(attempt.username), 1),
        this.#perAddress.reward(addressKey(attempt.address), 1),
      ]),
    );
  }

  async succeeded(attempt: LoginAttempt): Promise<void> {
    await unavailableOnFailure(
      Promise.all([
        this.#perAccount.delete(accountKey(attempt.username)),
        this.#perAddress.reward(addressKey(attempt.address), 1),
      ]),
    );
  }
}

/**
 * The throttle for the configured storage. `redisClient` (an ioredis client or cluster) is required with `redis`
 * storage and shared with the storage adapter, so no extra connection is opened here.
 */
export function createLoginThrottle(
  storage: StorageOptions,
  options: { redisClient?: unknown; limits?: LoginLimits } = {},
): LoginThrottle {
  const limits = options.limits ?? defaultLoginLimits;
  switch (storage.type) {
    case 'memory':
      return new LimiterLoginThrottle(
        new RateLimiterMemory({ keyPrefix: 'login', points: limits.perAccount, duration: limits.duration }),
        new RateLimiterMemory({ keyPrefix: 'login', points: limits.perAddress, duration: limits.duration }),
      );
    case 'redis': {
      if (options.redisClient === undefined) {
        throw new ConfigError('storage', 'the login throttle needs the redis storage client (createLoginThrottle)');
      }
      // Our own scripts over rate-limiter-flexible's keys: fewer commands per login (redis-login-throttle.ts).
      return new RedisLoginThrottle(options.redisClient as Redis | Cluster, storage.keyPrefix, limits);
    }
  }
}
