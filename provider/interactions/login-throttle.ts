import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ConfigError } from '../config/config-error.ts';
import type { StorageOptions } from '../config/options.ts';
import { StorageUnavailableError } from '../storage/adapter.ts';

/**
 * Rate limiting of login attempts, per account (the username typed, whether or not it exists, so the limit does not
 * reveal which exist) and per client address: failed attempts are counted in a window and, past the limit, further
 * attempts are refused until the window ends. A correct password clears the account's count. Counters live where the
 * rest of the state lives — in process for `memory` storage, in Redis for `redis` — so with several replicas an
 * attacker cannot multiply the limit by spreading attempts across them.
 */

export interface LoginAttempt {
  /** The username as typed. */
  username: string;
  /** The client address the attempt came from. */
  address: string;
}

export interface LoginThrottle {
  /** Seconds to wait before another attempt for this username or from this address is accepted; 0 when allowed. */
  retryAfter(attempt: LoginAttempt): Promise<number>;
  /** Counts a failed attempt against both the username and the address. */
  failed(attempt: LoginAttempt): Promise<void>;
  /** A successful login clears the username's count (the address keeps its own). */
  succeeded(attempt: LoginAttempt): Promise<void>;
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

function accountKey(username: string): string {
  return `account:${username.normalize('NFKC').toLowerCase()}`;
}

function addressKey(address: string): string {
  return `address:${address}`;
}

/** A store failure (Redis down) is an outage — 503 `temporarily_unavailable` — never a reason to skip the limit. */
async function unavailableOnFailure<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw new StorageUnavailableError('login rate limit store is unavailable', { cause: error });
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

  async retryAfter(attempt: LoginAttempt): Promise<number> {
    const [account, address] = await unavailableOnFailure(
      Promise.all([
        this.#perAccount.get(accountKey(attempt.username)),
        this.#perAddress.get(addressKey(attempt.address)),
      ]),
    );
    const wait = (result: typeof account, limit: number): number =>
      result && result.consumedPoints >= limit ? Math.max(1, Math.ceil(result.msBeforeNext / 1000)) : 0;
    return Math.max(wait(account, this.#perAccount.points), wait(address, this.#perAddress.points));
  }

  async failed(attempt: LoginAttempt): Promise<void> {
    // penalty() counts without rejecting; retryAfter() decides.
    await unavailableOnFailure(
      Promise.all([
        this.#perAccount.penalty(accountKey(attempt.username)),
        this.#perAddress.penalty(addressKey(attempt.address)),
      ]),
    );
  }

  async succeeded(attempt: LoginAttempt): Promise<void> {
    await unavailableOnFailure(this.#perAccount.delete(accountKey(attempt.username)));
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
      const keyPrefix = `${storage.keyPrefix}login`;
      const store = { storeClient: options.redisClient, keyPrefix, duration: limits.duration };
      return new LimiterLoginThrottle(
        new RateLimiterRedis({ ...store, points: limits.perAccount }),
        new RateLimiterRedis({ ...store, points: limits.perAddress }),
      );
    }
  }
}
