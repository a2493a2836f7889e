import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '../../provider/config/load.ts';
import { RedisStorage } from '../../provider/storage/redis/storage.ts';
import { systemClock } from '../../provider/time/clock.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

/** A Redis that requires a password, as production ones do; the password reaches it from the environment. */
describe('redis storage with a password', () => {
  let redis: RedisServer;
  const password = 'correct horse battery staple';
  before(async () => {
    redis = await startRedis();
    const admin = new Redis(redis.url);
    await admin.config('SET', 'requirepass', password);
    admin.disconnect();
  });
  after(() => redis.stop());

  it('KUBEOIDC_REDIS_PASSWORD and KUBEOIDC_REDIS_URL apply over the file, keeping its key prefix', async () => {
    const config = await loadConfig({
      env: { KUBEOIDC_CONFIG: 'c.yaml', KUBEOIDC_REDIS_URL: redis.url, KUBEOIDC_REDIS_PASSWORD: password },
      readFile: () =>
        Promise.resolve('storage:\n  type: redis\n  url: redis://elsewhere:6379\n  keyPrefix: "team-a:"\n'),
    });
    assert.deepEqual(config.storage, {
      type: 'redis',
      url: redis.url,
      keyPrefix: 'team-a:',
      password,
    });
    const storage = await RedisStorage.open(config.storage as Extract<typeof config.storage, { type: 'redis' }>, {
      clock: systemClock,
    });
    try {
      await storage.ping();
      const codes = storage.adapter('ReplayDetection');
      await codes.upsert('j', { jti: 'j', kind: 'ReplayDetection', iat: 0, exp: 60 }, 60);
      assert.equal((await codes.find('j'))?.jti, 'j');
      const keys = await storage.client.keys('team-a:*');
      assert.ok(keys.length > 0, 'keys carry the prefix from the file');
    } finally {
      await storage.close();
    }
  });

  it('without the password the storage is not ready', async () => {
    const storage = await RedisStorage.open(
      { type: 'redis', url: redis.url, keyPrefix: 'x:' },
      { clock: systemClock, connectWaitMs: 500 },
    );
    try {
      await assert.rejects(storage.ping());
    } finally {
      await storage.close();
    }
  });
});
