/**
 * The login throttle on its own (`provider/interactions/login-throttle.ts`), on both stores: an attempt takes its place
 * before it is checked, a refused attempt is not counted, a success clears the username and gives back its address
 * place, and a counter store that cannot be reached refuses the attempt (503 upstream) instead of letting it through.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { createLoginThrottle, type LoginThrottle } from '../../provider/interactions/login-throttle.ts';
import { RedisLoginThrottle } from '../../provider/interactions/redis-login-throttle.ts';
import { StorageUnavailableError } from '../../provider/storage/adapter.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

const limits = { perAccount: 2, perAddress: 3, duration: 60 };

function semantics(throttle: () => LoginThrottle) {
  it('admits up to the limit, refuses past it without counting, and a success clears the username', async () => {
    const t = throttle();
    const eve = { username: 'eve', address: '192.0.2.1' };
    assert.equal(await t.admit(eve), 0);
    assert.equal(await t.admit(eve), 0);
    for (let i = 0; i < 3; i += 1) assert.ok((await t.admit(eve)) > 0, 'the third attempt for eve is refused');
    // The address has two admitted attempts (refusals were not counted): one more is admitted for another name.
    assert.equal(await t.admit({ username: 'frank', address: '192.0.2.1' }), 0);
    assert.ok((await t.admit({ username: 'grace', address: '192.0.2.1' })) > 0, 'the address is at its limit');
    const ivan = { username: 'ivan', address: '192.0.2.2' };
    assert.equal(await t.admit(ivan), 0);
    await t.succeeded(ivan);
    assert.equal(await t.admit(ivan), 0);
    assert.equal(await t.admit(ivan), 0, 'the success cleared ivan: two more are admitted');
  });

  it('counts an attempt begun early as admit does, and a withdrawn one not at all', async () => {
    const t = throttle();
    const judy = { username: 'judy', address: '192.0.2.3' };
    // Withdrawn attempts (forms refused before their check) give their places back: the limit is untouched.
    for (let i = 0; i < 4; i += 1) await t.begin(judy).withdraw();
    assert.equal(await t.begin(judy).verdict(), 0);
    assert.equal(await t.admit(judy), 0);
    const refused = t.begin(judy);
    assert.ok((await refused.verdict()) > 0, 'past the limit, as admit');
    // A refused attempt took no place, so withdrawing it gives none back: the count stays at its limit.
    await refused.withdraw();
    assert.ok((await t.admit(judy)) > 0, 'still at the limit');
  });
}

describe('login throttle', () => {
  describe('memory', () => {
    semantics(() => createLoginThrottle({ type: 'memory', maxEntries: 0 }, { limits }));
  });

  describe('redis', () => {
    let redis: RedisServer;
    const clients: Redis[] = [];
    before(async () => {
      redis = await startRedis();
    });
    after(async () => {
      for (const client of clients) client.disconnect();
      await (redis as RedisServer | undefined)?.stop();
    });
    let prefix = 0;
    semantics(() => {
      const client = new Redis(redis.url);
      clients.push(client);
      prefix += 1;
      return createLoginThrottle(
        { type: 'redis', url: redis.url, keyPrefix: `t${String(prefix)}:` },
        { redisClient: client, limits },
      );
    });

    describe('one key per script (the Cluster path, on a single master)', () => {
      semantics(() => {
        const client = new Redis(redis.url);
        clients.push(client);
        prefix += 1;
        return new RedisLoginThrottle(client, `t${String(prefix)}:`, limits, false);
      });
    });

    it("keeps rate-limiter-flexible's keys, counts and window (replicas of either release share them)", async () => {
      const client = new Redis(redis.url);
      clients.push(client);
      const keyPrefix = 'compat:';
      const t = createLoginThrottle({ type: 'redis', url: redis.url, keyPrefix }, { redisClient: client, limits });
      const eve = { username: 'Eve', address: '192.0.2.9' };
      assert.equal(await t.admit(eve), 0);
      assert.equal(await client.get('compat:login:account:eve'), '1');
      assert.equal(await client.get('compat:login:address:192.0.2.9'), '1');
      const ttl = await client.pttl('compat:login:account:eve');
      assert.ok(ttl > 55_000 && ttl <= 60_000, String(ttl));
      const previous = new RateLimiterRedis({
        storeClient: client,
        keyPrefix: 'compat:login',
        points: 2,
        duration: 60,
      });
      await previous.consume('account:eve');
      assert.equal(await client.get('compat:login:account:eve'), '2', 'the previous release counts on the same key');
      assert.ok((await t.admit(eve)) > 0, 'and this one sees it');
      assert.equal(await client.get('compat:login:account:eve'), '2', 'a refused attempt is not counted');
      assert.equal(await client.get('compat:login:address:192.0.2.9'), '1');
      await t.succeeded(eve);
      assert.equal(await client.exists('compat:login:account:eve'), 0, 'a success clears the account');
      assert.equal(await client.get('compat:login:address:192.0.2.9'), '0', 'and gives back its address place');
      await client.del('compat:login:address:192.0.2.9');
      await t.refund(eve);
      assert.equal(await client.exists('compat:login:address:192.0.2.9'), 0, 'an expired count is not brought back');
    });

    it('refuses the attempt with StorageUnavailableError when Redis cannot be reached', async () => {
      const down = await startRedis();
      const client = new Redis(down.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
      clients.push(client);
      await down.stop();
      const t = createLoginThrottle(
        { type: 'redis', url: down.url, keyPrefix: 'down:' },
        { redisClient: client, limits },
      );
      await assert.rejects(t.admit({ username: 'eve', address: '192.0.2.1' }), StorageUnavailableError);
      await assert.rejects(t.begin({ username: 'eve', address: '192.0.2.1' }).verdict(), StorageUnavailableError);
      // A count that failed counted nothing: withdrawing it has nothing to give back (the form's own error stands).
      await t.begin({ username: 'eve', address: '192.0.2.1' }).withdraw();
    });
  });
});
