import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { Redis, Cluster } from 'ioredis';
import { portIsFree, redisCli } from './redis-node.ts';
import { startRedis, startRedisCluster, startRedisSentinel } from './redis.ts';

describe('Redis harness', () => {
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const stop of stops) await stop();
  });

  it('starts a standalone server that round-trips through ioredis, and stop() frees the port', async () => {
    const redis = await startRedis();
    stops.push(() => redis.stop());
    assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
    const client = new Redis(redis.url, { lazyConnect: true });
    try {
      await client.connect();
      await client.set('harness:key', 'value', 'EX', 30);
      assert.equal(await client.get('harness:key'), 'value');
      // No persistence: the server was started with `--save ''` and `--appendonly no`.
      assert.deepEqual(await client.config('GET', 'save'), ['save', '']);
      assert.deepEqual(await client.config('GET', 'appendonly'), ['appendonly', 'no']);
    } finally {
      client.disconnect();
    }
    await redis.stop();
    await redis.stop(); // safe twice
    assert.equal(await redisCli(redis.port, ['PING'], 1000), undefined);
    assert.equal(await portIsFree(redis.port), true);
  });

  it('names the missing binary when redis-server is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent-kubeoidc-dir';
    try {
      await assert.rejects(startRedis(), /`redis-server`.*apt-get install redis-server/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('starts a master with a sentinel that ioredis resolves', async () => {
    const sentinel = await startRedisSentinel();
    stops.push(() => sentinel.stop());
    const [host, port] = (sentinel.sentinels[0] ?? '').split(':');
    const client = new Redis({
      sentinels: [{ host, port: Number(port) }],
      name: sentinel.masterName,
      lazyConnect: true,
    });
    try {
      await client.connect();
      await client.set('harness:sentinel', 'yes', 'EX', 30);
      assert.equal(await redisCli(sentinel.port, ['GET', 'harness:sentinel']), 'yes');
    } finally {
      client.disconnect();
    }
    await sentinel.stop();
    assert.equal(await portIsFree(sentinel.port), true);
  });

  it('starts a three-master cluster that ioredis writes across slots to', async () => {
    const cluster = await startRedisCluster();
    stops.push(() => cluster.stop());
    assert.equal(cluster.nodes.length, 3);
    const client = new Cluster(
      cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { lazyConnect: true },
    );
    try {
      await client.connect();
      for (let i = 0; i < 20; i++) await client.set(`harness:cluster:${i}`, String(i), 'EX', 30);
      for (let i = 0; i < 20; i++) assert.equal(await client.get(`harness:cluster:${i}`), String(i));
      const owners = new Set<number>();
      for (const port of cluster.ports) {
        const keys = Number(await redisCli(port, ['DBSIZE']));
        if (keys > 0) owners.add(port);
      }
      assert.ok(owners.size > 1, 'keys spread over several masters');
    } finally {
      client.disconnect();
    }
  });

  for (const ending of ['throws', 'is killed'] as const) {
    it(`leaves no server behind when the test process ${ending}`, async () => {
      const harness = resolve(import.meta.dirname, 'redis.ts');
      const script = `import { startRedis } from ${JSON.stringify(harness)};
        const redis = await startRedis();
        console.log('port', redis.port);
        ${ending === 'throws' ? "setTimeout(() => { throw new Error('test failed'); }, 500);" : 'setInterval(() => {}, 1000);'}`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 10_000;
      while (!/port (\d+)/.test(output) && Date.now() < deadline) await sleep(20);
      const port = Number(/port (\d+)/.exec(output)?.[1]);
      assert.ok(port > 0, `child printed its port: ${output}`);
      assert.equal(await redisCli(port, ['PING']), 'PONG');
      if (ending === 'is killed') child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      // 'exit' hook for a throwing process; the watchdog (polling every second) for SIGKILL.
      const gone = Date.now() + 5_000;
      while ((await redisCli(port, ['PING'], 500)) !== undefined && Date.now() < gone) await sleep(100);
      assert.equal(await redisCli(port, ['PING'], 500), undefined);
      assert.equal(await portIsFree(port), true);
    });
  }
});
