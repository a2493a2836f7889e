import assert from 'node:assert/strict';
import { Cluster, Redis } from 'ioredis';
import { after, describe, it } from 'node:test';
import { StorageUnavailableError } from '../../provider/storage/adapter.ts';
import type { RedisStorageOptions } from '../../provider/storage/redis/connect.ts';
import { startRedisCluster, type RedisCluster } from '../support/redis.ts';
import { accessToken, recordOf, runStorageContract } from './contract.ts';
import { checkingTtls, keyTtls, openRedisStorage, redisSubject } from './redis-support.ts';

let cluster: RedisCluster | undefined;
const running = async (): Promise<RedisCluster> => (cluster ??= await startRedisCluster());
after(async () => {
  await cluster?.stop();
});

const options = (nodes: readonly string[], keyPrefix: string): RedisStorageOptions => ({
  type: 'redis',
  cluster: { nodes: [...nodes] },
  keyPrefix,
});

// Any command touching keys of two slots would fail here with CROSSSLOT: the contract passing proves there is none.
runStorageContract('redis cluster', async () =>
  redisSubject(options((await running()).nodes, 'cluster:'), (storage) => checkingTtls(storage, 'cluster:*')),
);

describe('redis storage: cluster', () => {
  it('spreads one grant over several masters and still revokes it whole', async () => {
    const { nodes } = await running();
    const storage = await openRedisStorage(options(nodes, 'spread:'));
    try {
      const tokens = storage.adapter('AccessToken');
      const ids = Array.from({ length: 30 }, (_, i) => `token-${i}`);
      for (const id of ids) await tokens.upsert(id, accessToken(id, 'grant-x'), 60);
      await storage.adapter('Session').upsert('s', recordOf('Session', 's', { uid: 'u', authorizations: {} }), 60);
      const client = storage.client;
      assert.ok(client instanceof Cluster);
      const perNode = await Promise.all(
        client.nodes('master').map(async (node) => (await keyTtls(node, 'spread:AccessToken:rec:*')).size),
      );
      assert.equal(
        perNode.reduce((a, b) => a + b, 0),
        30,
      );
      assert.ok(perNode.filter((n) => n > 0).length > 1, `records on several masters: ${perNode.join(',')}`);
      assert.equal((await storage.adapter('Session').findByUid('u'))?.jti, 's');
      await tokens.revokeByGrantId('grant-x');
      for (const id of ids) assert.equal(await tokens.find(id), undefined);
      assert.equal((await keyTtls(storage.client, 'spread:AccessToken:*')).size, 0, 'records and grant set gone');
      await storage.ping();
    } finally {
      await storage.close();
    }
  });

  it('fails soon when a master stops answering (paused), readiness included', async () => {
    const own = await startRedisCluster();
    const storage = await openRedisStorage({ ...options(own.nodes, 'paused:'), commandTimeoutMs: 200 });
    const port = own.ports[1] ?? 0;
    const node = new Redis(port, '127.0.0.1', { lazyConnect: true });
    let pid = 0;
    try {
      await node.connect();
      pid = Number(/process_id:(\d+)/.exec(await node.info('server'))?.[1]);
      assert.ok(pid > 0, 'node pid');
      node.disconnect();
      process.kill(pid, 'SIGSTOP');
      const started = performance.now();
      const readiness = await storage.ping().then(
        () => 'ready',
        (error: unknown) => (error instanceof StorageUnavailableError ? error.message : String(error)),
      );
      // The survivors still report cluster_state:ok (cluster-node-timeout is 2 s): the paused node's silence says it.
      assert.match(readiness, /Command timed out/);
      // A hang guard, not a speed test: without a deadline the node's CLUSTER INFO would never be answered.
      assert.ok(
        performance.now() - started < 10_000,
        `readiness answered after ${Math.round(performance.now() - started)} ms`,
      );
    } finally {
      if (pid > 0) process.kill(pid, 'SIGCONT');
      node.disconnect();
      await storage.close();
      await own.stop();
    }
  });

  it('fails fast when a master is lost, and readiness reports it', async () => {
    const own = await startRedisCluster();
    const storage = await openRedisStorage(options(own.nodes, 'lost:'));
    try {
      const grants = storage.adapter('Grant');
      const ids = Array.from({ length: 12 }, (_, i) => `grant-${i}`);
      for (const id of ids) await grants.upsert(id, recordOf('Grant', id), 60);
      await own.killNode(own.ports[1] ?? 0);
      const outcomes = await Promise.all(
        ids.map(async (id) => {
          const started = performance.now();
          try {
            await grants.find(id);
            return { ok: true, ms: performance.now() - started };
          } catch (error) {
            assert.ok(error instanceof StorageUnavailableError, String(error));
            return { ok: false, ms: performance.now() - started };
          }
        }),
      );
      assert.ok(
        outcomes.some((o) => !o.ok),
        'records on the lost master are unavailable',
      );
      for (const { ms } of outcomes) assert.ok(ms < 3_000, `answered after ${Math.round(ms)} ms`);
      // Survivors keep answering PING and may report the cluster ok until cluster-node-timeout (2 s) has passed;
      // from then on they refuse every command, and readiness must say so every time.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const deadline = Date.now() + 10_000;
      let consecutive = 0;
      while (consecutive < 3) {
        const failed = await storage.ping().then(
          () => false,
          (error: unknown) => error instanceof StorageUnavailableError,
        );
        consecutive = failed ? consecutive + 1 : 0;
        assert.ok(Date.now() < deadline, 'readiness never settled on unavailable');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await assert.rejects(grants.find(ids[0] ?? ''), StorageUnavailableError);
    } finally {
      await storage.close();
      await own.stop();
    }
  });
});
