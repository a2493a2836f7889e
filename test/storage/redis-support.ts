/**
 * Helpers for the Redis storage tests: contract subjects on a running Redis topology, and a check that every key in
 * Redis carries a TTL.
 */
import assert from 'node:assert/strict';
import type { Cluster, Redis } from 'ioredis';
import type { RedisStorageOptions } from '../../provider/storage/redis/connect.ts';
import { RedisStorage, type RedisStorageOpenOptions } from '../../provider/storage/redis/storage.ts';
import type { Adapter, Storage } from '../../provider/storage/adapter.ts';
import type { ModelName, ModelTypes } from '../../provider/models/types.ts';
import { systemClock } from '../../provider/time/clock.ts';
import type { ContractSubject } from './contract.ts';

/** Opens Redis storage and fails unless it is connected. */
export async function openRedisStorage(
  options: RedisStorageOptions,
  openOptions: Partial<RedisStorageOpenOptions> = {},
): Promise<RedisStorage> {
  const storage = await RedisStorage.open(options, { clock: systemClock, ...openOptions });
  await storage.ping();
  return storage;
}

/** A contract subject on Redis: peers are separate connections; time is real (Redis expires keys itself). */
export async function redisSubject(
  options: RedisStorageOptions,
  wrap: (storage: RedisStorage) => Storage = (storage) => storage,
): Promise<ContractSubject & { redis: RedisStorage }> {
  const redis = await openRedisStorage(options);
  return {
    redis,
    storage: wrap(redis),
    peer: () => openRedisStorage(options),
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close: () => redis.close(),
  };
}

/** Keys of every master the client talks to, with their PTTL (ms; -1 = none, -2 = gone). */
export async function keyTtls(client: Redis | Cluster, pattern = '*'): Promise<Map<string, number>> {
  const nodes = 'nodes' in client ? client.nodes('master') : [client];
  const ttls = new Map<string, number>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) ttls.set(key, await node.pttl(key));
    } while (cursor !== '0');
  }
  return ttls;
}

/** Asserts that no key matching `pattern` lives without a TTL. */
export async function assertEveryKeyHasTtl(client: Redis | Cluster, pattern: string, after: string): Promise<void> {
  for (const [key, ttl] of await keyTtls(client, pattern)) {
    // -2: the key expired between SCAN and PTTL, fine. -1: no TTL, the bug this guards against.
    assert.notEqual(ttl, -1, `key ${JSON.stringify(key)} has no TTL after ${after}`);
  }
}

/** Wraps a storage so that after every adapter operation, every key under `pattern` is checked for a TTL. */
export function checkingTtls(storage: RedisStorage, pattern: string): Storage {
  return {
    ping: () => storage.ping(),
    close: () => storage.close(),
    findEach: async (models, id) => {
      const records = await storage.findEach(models, id);
      await assertEveryKeyHasTtl(storage.client, pattern, 'findEach');
      return records;
    },
    adapter<M extends ModelName>(model: M): Adapter<ModelTypes[M]> {
      const inner = storage.adapter(model);
      const checked =
        <A extends unknown[], R>(name: string, op: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          const result = await op(...args);
          await assertEveryKeyHasTtl(storage.client, pattern, `${model}.${name}`);
          return result;
        };
      return {
        upsert: checked('upsert', (...args: Parameters<typeof inner.upsert>) => inner.upsert(...args)),
        insert: checked('insert', (...args: Parameters<typeof inner.insert>) => inner.insert(...args)),
        find: checked('find', (...args: Parameters<typeof inner.find>) => inner.find(...args)),
        findByUid: checked('findByUid', (...args: Parameters<typeof inner.findByUid>) => inner.findByUid(...args)),
        findByUserCode: checked('findByUserCode', (...args: Parameters<typeof inner.findByUserCode>) =>
          inner.findByUserCode(...args),
        ),
        consume: checked('consume', (...args: Parameters<typeof inner.consume>) => inner.consume(...args)),
        consumeIf: checked('consumeIf', (...args: Parameters<typeof inner.consumeIf>) => inner.consumeIf(...args)),
        destroy: checked('destroy', (...args: Parameters<typeof inner.destroy>) => inner.destroy(...args)),
        revokeByGrantId: checked('revokeByGrantId', (...args: Parameters<typeof inner.revokeByGrantId>) =>
          inner.revokeByGrantId(...args),
        ),
        revokeByClientId: checked('revokeByClientId', (...args: Parameters<typeof inner.revokeByClientId>) =>
          inner.revokeByClientId(...args),
        ),
      };
    },
  };
}
