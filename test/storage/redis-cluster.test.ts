import assert from 'node:assert/strict';
import { Cluster } from 'ioredis';
import { after, describe, it } from 'node:test';
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
});
