import type { Cluster, Redis } from 'ioredis';
import { StorageUnavailableError } from '../storage/adapter.ts';
import { accountKey, addressKey } from './login-keys.ts';
import {
  pendingAttempt,
  type LoginAttempt,
  type LoginLimits,
  type LoginThrottle,
  type PendingAttempt,
} from './login-throttle.ts';

/**
 * The login throttle on Redis with the counters rate-limiter-flexible's `RateLimiterRedis` kept — same keys
 * (`<keyPrefix>login:account:<name>`, `<keyPrefix>login:address:<address>`), same integer counts, same fixed window
 * from the first attempt — so replicas of the previous release and this one share them during a rolling update. What
 * changes is the number of commands: on a single master (standalone, Sentinel) an attempt is counted against both
 * limits by one script, and a success clears the account and gives back the address's place by one script, where the
 * two limiters sent two each (4 per successful login → 2). On a Cluster the two keys may live in different slots, so
 * each script gets one key (two commands per step, as before), and an attempt refused by one count is given back to the
 * other afterwards.
 */

/**
 * Counts an attempt against each KEYS[i] with limit ARGV[i + 1] in a window of ARGV[1] seconds (a new key starts at 0
 * with that TTL; the TTL is never extended). When any count is past its limit the attempt is refused and every count
 * this call made is given back, so a refused attempt is not counted; answers the longest wait (ms) of the counts past
 * their limit, or -1 when admitted. Atomic: no other attempt sees the counts in between.
 */
export const ADMIT = `
local wait = -1
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], 0, 'EX', ARGV[1], 'NX')
  local count = redis.call('INCRBY', KEYS[i], 1)
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl < 0 then
    redis.call('EXPIRE', KEYS[i], ARGV[1])
    ttl = 1000 * tonumber(ARGV[1])
  end
  if count > tonumber(ARGV[i + 1]) and ttl > wait then wait = ttl end
end
if wait >= 0 then
  for i = 1, #KEYS do redis.call('DECRBY', KEYS[i], 1) end
end
return wait
`;

/**
 * Gives an attempt back: deletes the first ARGV[1] keys (a success clears the account's count) and takes one off each
 * other key that still exists (its TTL unchanged; an expired count is not brought back below zero).
 */
export const GIVE_BACK = `
local cleared = tonumber(ARGV[1])
for i = 1, #KEYS do
  if i <= cleared then redis.call('DEL', KEYS[i])
  elseif redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECRBY', KEYS[i], 1) end
end
return 1
`;

interface ThrottleCommands {
  kubeoidcLoginAdmit(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  kubeoidcLoginGiveBack(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
}

type ThrottleClient = (Redis | Cluster) & ThrottleCommands;

/** A store failure (Redis down) is an outage — 503 `temporarily_unavailable` — never a reason to skip the limit. */
async function unavailableOnFailure<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw new StorageUnavailableError('login rate limit store is unavailable', { cause: error });
  }
}

export class RedisLoginThrottle implements LoginThrottle {
  readonly #client: ThrottleClient;
  readonly #prefix: string;
  readonly #limits: LoginLimits;
  /** Both keys in one script: only where keys have no slots (not a Cluster). */
  readonly #together: boolean;

  /**
   * `keyPrefix` is the storage's; `together` (default: not a Cluster) sends both keys to one script — false is the
   * Cluster's path, which tests also run on a single master.
   */
  constructor(client: Redis | Cluster, keyPrefix: string, limits: LoginLimits, together = !client.isCluster) {
    // Defining the same command again replaces it with the same script: several throttles may share one client.
    client.defineCommand('kubeoidcLoginAdmit', { lua: ADMIT });
    client.defineCommand('kubeoidcLoginGiveBack', { lua: GIVE_BACK });
    this.#client = client as ThrottleClient;
    this.#prefix = `${keyPrefix}login:`;
    this.#limits = limits;
    this.#together = together;
  }

  async admit(attempt: LoginAttempt): Promise<number> {
    const [account, address] = this.#keys(attempt);
    const { perAccount, perAddress, duration } = this.#limits;
    const admit = (keys: string[], limits: number[]) =>
      this.#client.kubeoidcLoginAdmit(keys.length, ...keys, duration, ...limits);
    if (this.#together) {
      const wait = await unavailableOnFailure(admit([account, address], [perAccount, perAddress]));
      return wait < 0 ? 0 : Math.max(1, Math.ceil(wait / 1000));
    }
    const waits = await unavailableOnFailure(
      Promise.all([admit([account], [perAccount]), admit([address], [perAddress])]),
    );
    if (waits.every((wait) => wait < 0)) return 0;
    // A count past its limit gave itself back; the other, if it admitted, is given back now. Each count stays at or
    // above its limit meanwhile (the other attempts of a burst hold their places), so no later attempt is admitted
    // by this.
    const admitted = [account, address].filter((_, index) => (waits[index] ?? 0) < 0);
    await unavailableOnFailure(Promise.all(admitted.map((key) => this.#client.kubeoidcLoginGiveBack(1, key, 0))));
    return Math.max(1, ...waits.map((wait) => Math.ceil(wait / 1000)));
  }

  begin(attempt: LoginAttempt): PendingAttempt {
    return pendingAttempt(this.admit(attempt), () => this.refund(attempt));
  }

  async succeeded(attempt: LoginAttempt): Promise<void> {
    await this.#giveBack(attempt, true);
  }

  async refund(attempt: LoginAttempt): Promise<void> {
    await this.#giveBack(attempt, false);
  }

  async #giveBack(attempt: LoginAttempt, clearAccount: boolean): Promise<void> {
    const [account, address] = this.#keys(attempt);
    const cleared = clearAccount ? 1 : 0;
    if (this.#together) {
      await unavailableOnFailure(this.#client.kubeoidcLoginGiveBack(2, account, address, cleared));
      return;
    }
    await unavailableOnFailure(
      Promise.all([
        this.#client.kubeoidcLoginGiveBack(1, account, cleared),
        this.#client.kubeoidcLoginGiveBack(1, address, 0),
      ]),
    );
  }

  /** rate-limiter-flexible's keys: its `keyPrefix` (`<storage prefix>login`), a colon, the limiter's key. */
  #keys(attempt: LoginAttempt): [account: string, address: string] {
    return [this.#prefix + accountKey(attempt.username), this.#prefix + addressKey(attempt.address)];
  }
}
