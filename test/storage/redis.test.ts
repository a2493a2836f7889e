import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { StorageUnavailableError } from '../../provider/storage/adapter.ts';
import { createStorage } from '../../provider/storage/create.ts';
import { RedisStorage } from '../../provider/storage/redis/storage.ts';
import { systemClock } from '../../provider/time/clock.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { accessToken, recordOf, runStorageContract } from './contract.ts';
import { checkingTtls, keyTtls, openRedisStorage, redisSubject } from './redis-support.ts';

let redis: RedisServer | undefined;
const server = async (): Promise<RedisServer> => (redis ??= await startRedis());
after(async () => {
  await redis?.stop();
});

// The whole contract, with every key in Redis checked for a TTL after every single operation.
runStorageContract('redis standalone', async () =>
  redisSubject({ type: 'redis', url: (await server()).url, keyPrefix: 'contract:' }, (storage) =>
    checkingTtls(storage, 'contract:*'),
  ),
);

describe('redis storage: keys', () => {
  let storage: RedisStorage;
  before(async () => {
    storage = await openRedisStorage({ type: 'redis', url: (await server()).url, keyPrefix: 'keys:' });
  });
  after(() => storage.close());

  it('keeps a grant set at least as long as its longest-lived member', async () => {
    const tokens = storage.adapter('AccessToken');
    await tokens.upsert('long', accessToken('long', 'grant-1'), 120);
    await tokens.upsert('short', accessToken('short', 'grant-1'), 5);
    const ttls = await keyTtls(storage.client, 'keys:*');
    const setTtl = ttls.get('keys:AccessToken:grant:grant-1') ?? 0;
    assert.ok(setTtl > 119_000 && setTtl <= 120_000, `grant set PTTL ${setTtl}`);
    assert.ok((ttls.get('keys:AccessToken:rec:short') ?? 0) <= 5_000);
  });

  it('lays keys out under the prefix, one namespace per model and kind', async () => {
    const sessions = storage.adapter('Session');
    await sessions.upsert('s1', recordOf('Session', 's1', { uid: 'u1', authorizations: {} }), 60);
    await storage.adapter('DeviceCode').upsert('d1', recordOf('DeviceCode', 'd1', { userCode: 'ABCD-EFGH' }), 60);
    const keys = [...(await keyTtls(storage.client, 'keys:*')).keys()].sort();
    assert.ok(keys.includes('keys:Session:rec:s1'));
    assert.ok(keys.includes('keys:Session:uid:u1'));
    assert.ok(keys.includes('keys:DeviceCode:rec:d1'));
    assert.ok(keys.includes('keys:DeviceCode:ucode:ABCD-EFGH'));
    // destroy tidies the indexes instead of leaving them to their TTL.
    await sessions.destroy('s1');
    assert.equal(await storage.client.exists('keys:Session:uid:u1'), 0);
  });

  it('revokes a grant with more records than one SSCAN batch', async () => {
    const tokens = storage.adapter('AccessToken');
    const ids = Array.from({ length: 1500 }, (_, i) => `bulk-${i}`);
    await Promise.all(ids.map((id) => tokens.upsert(id, accessToken(id, 'bulk-grant'), 60)));
    await tokens.upsert('bulk-other', accessToken('bulk-other', 'other-grant'), 60);
    await tokens.revokeByGrantId('bulk-grant');
    assert.equal((await keyTtls(storage.client, 'keys:AccessToken:rec:bulk-*')).size, 1);
    assert.equal(await storage.client.exists('keys:AccessToken:grant:bulk-grant'), 0);
    assert.ok(await tokens.find('bulk-other'));
  });

  it('reports a corrupt record as a bug, not as an outage', async () => {
    await storage.client.set('keys:Grant:rec:corrupt', 'not json', 'EX', 60);
    await assert.rejects(storage.adapter('Grant').find('corrupt'), SyntaxError);
    await assert.rejects(storage.adapter('Grant').consume('corrupt'), /not a JSON object/);
  });

  it('refuses a non-positive TTL rather than storing a key without one', async () => {
    await assert.rejects(storage.adapter('Grant').upsert('g', recordOf('Grant', 'g'), 0), RangeError);
  });
});

describe('redis storage: outage', () => {
  it('rejects within about a second while Redis is down, and resumes on its own when it is back', async () => {
    const own = await startRedis();
    const changes: string[] = [];
    const storage = await openRedisStorage(
      { type: 'redis', url: own.url, keyPrefix: 'outage:' },
      { onAvailabilityChange: (available) => changes.push(available ? 'up' : 'down') },
    );
    try {
      const tokens = storage.adapter('AccessToken');
      await tokens.upsert('before', accessToken('before', 'g'), 60);
      await own.stop();
      const operations = [
        () => tokens.find('before'),
        () => tokens.upsert('during', accessToken('during', 'g'), 60),
        () => tokens.consume('before'),
        () => tokens.revokeByGrantId('g'),
        () => storage.ping(),
      ];
      for (const operation of operations) {
        const started = performance.now();
        await assert.rejects(operation(), StorageUnavailableError);
        const elapsed = performance.now() - started;
        assert.ok(elapsed < 3_000, `rejected after ${Math.round(elapsed)} ms`);
      }
      const back = await startRedis({ port: own.port });
      try {
        const deadline = Date.now() + 5_000;
        for (;;) {
          try {
            await tokens.upsert('after', accessToken('after', 'g'), 60);
            break;
          } catch (error) {
            assert.ok(error instanceof StorageUnavailableError, String(error));
            if (Date.now() > deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        assert.equal((await tokens.find('after'))?.jti, 'after');
        assert.equal((await tokens.consume('after'))?.jti, 'after');
        await storage.ping();
        // Reported once per change, not once per failed reconnection attempt (there were several).
        assert.deepEqual(changes, ['up', 'down', 'up']);
      } finally {
        await back.stop();
      }
    } finally {
      await storage.close();
      await own.stop();
    }
  });

  it('times out a command Redis does not answer', async () => {
    const own = await startRedis({ args: ['--enable-debug-command', 'local'] });
    const storage = await openRedisStorage({ type: 'redis', url: own.url, keyPrefix: 'slow:' });
    const blocker = new Redis(own.url);
    try {
      // DEBUG SLEEP blocks the single-threaded server: our command is sent but not answered. The blocker is
      // connected first, so on a loaded machine the sleep is not still waiting for a connection when we send.
      await blocker.ping();
      const sleeping = blocker.call('DEBUG', 'SLEEP', '3');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      await assert.rejects(storage.adapter('Grant').find('g'), StorageUnavailableError);
      // Well under the 3 s the server sleeps: the 1 s command timeout answered, not the server.
      assert.ok(performance.now() - started < 2_500);
      await sleeping;
      assert.equal(await storage.adapter('Grant').find('g'), undefined);
    } finally {
      blocker.disconnect();
      await storage.close();
      await own.stop();
    }
  });

  it('starts unready when Redis is down at start, and becomes ready when it appears', async () => {
    const own = await startRedis();
    await own.stop();
    const storage = await RedisStorage.open(
      { type: 'redis', url: own.url, keyPrefix: 'late:' },
      { clock: systemClock, connectWaitMs: 300 },
    );
    try {
      await assert.rejects(storage.ping(), StorageUnavailableError);
      const back = await startRedis({ port: own.port });
      try {
        const deadline = Date.now() + 5_000;
        while (
          await storage.ping().then(
            () => false,
            () => Date.now() < deadline,
          )
        ) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await storage.ping();
      } finally {
        await back.stop();
      }
    } finally {
      await storage.close();
    }
  });

  it('is what createStorage opens for type redis', async () => {
    const storage = await createStorage(
      { type: 'redis', url: (await server()).url, keyPrefix: 'create:' },
      systemClock,
    );
    try {
      assert.ok(storage instanceof RedisStorage);
      await storage.ping();
    } finally {
      await storage.close();
    }
  });
});
