import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { StorageUnavailableError } from '../../provider/storage/adapter.ts';
import type { RedisStorageOptions } from '../../provider/storage/redis/connect.ts';
import { startRedisSentinel, type RedisSentinel } from '../support/redis.ts';
import { accessToken, runStorageContract } from './contract.ts';
import { checkingTtls, openRedisStorage, redisSubject } from './redis-support.ts';

const sentinels: RedisSentinel[] = [];
after(async () => {
  for (const sentinel of sentinels) await sentinel.stop();
});

const options = (sentinel: RedisSentinel, keyPrefix: string): RedisStorageOptions => ({
  type: 'redis',
  sentinel: { masterName: sentinel.masterName, sentinels: [...sentinel.sentinels] },
  keyPrefix,
});

runStorageContract('redis sentinel', async () => {
  const sentinel = await startRedisSentinel();
  sentinels.push(sentinel);
  return redisSubject(options(sentinel, 'sentinel:'), (storage) => checkingTtls(storage, 'sentinel:*'));
});

describe('redis storage: sentinel failover', () => {
  it('fails fast while the master is gone and resumes on the promoted replica by itself', async () => {
    const sentinel = await startRedisSentinel({ replicas: 1 });
    sentinels.push(sentinel);
    const storage = await openRedisStorage(options(sentinel, 'failover:'));
    try {
      const tokens = storage.adapter('AccessToken');
      await tokens.upsert('before', accessToken('before', 'g'), 60);
      // Replication is asynchronous: wait until the replica has the record before killing the master.
      await storage.client.call('WAIT', '1', '2000');
      await sentinel.killMaster();
      const started = performance.now();
      await assert.rejects(tokens.find('before'), StorageUnavailableError);
      assert.ok(performance.now() - started < 3_000, 'fails fast instead of waiting for the failover');
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          await tokens.upsert('after', accessToken('after', 'g'), 60);
          break;
        } catch (error) {
          assert.ok(error instanceof StorageUnavailableError, String(error));
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      assert.equal((await tokens.find('before'))?.jti, 'before', 'replicated record survived the failover');
      assert.equal((await tokens.consume('after'))?.jti, 'after');
      await storage.ping();
      const [, port] = (await storage.client.config('GET', 'port')) as [string, string];
      assert.deepEqual([Number(port)], sentinel.replicaPorts, 'now talking to the promoted replica');
    } finally {
      await storage.close();
    }
  });
});
