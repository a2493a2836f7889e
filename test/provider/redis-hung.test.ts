/**
 * A Redis that is connected but does not answer (a hung process, a dead network path: here a proxy that stops
 * forwarding) must not hang token requests: the command deadline (`storage.commandTimeoutMs`) turns it into a 503
 * `temporarily_unavailable` soon, and readiness reports the storage unavailable. The deadline that replaced ioredis'
 * `commandTimeout` (test/storage/redis-deadline.test.ts) keeps this fail-fast.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy.ts';
import { m2mClient, m2mSecret, m2mTokenRequest } from '../support/m2m-client.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

let redis: RedisServer | undefined;
let proxy: StallingProxy | undefined;
let provider: TestProvider | undefined;
after(async () => {
  await provider?.stop();
  await proxy?.close();
  await redis?.stop();
});

describe('provider on Redis storage: a Redis that stops answering', () => {
  it('answers 503 temporarily_unavailable within about the command timeout, and readiness 503', async () => {
    redis = await startRedis();
    proxy = await startStallingProxy(redis.url);
    const lines: string[] = [];
    provider = await startTestProvider(
      {
        storage: { type: 'redis', url: proxy.url, keyPrefix: 'hung:', commandTimeoutMs: 300 },
        clients: [m2mClient],
      },
      { logDestination: { write: (line: string) => lines.push(line) } },
    );
    const { url } = provider;
    assert.equal((await m2mTokenRequest(url)).status, 200, 'tokens are issued through the proxy');
    assert.equal((await fetch(`${url}/healthz/ready`)).status, 200);

    proxy.stall();
    const started = performance.now();
    const token = await m2mTokenRequest(url);
    const waited = performance.now() - started;
    assert.equal(token.status, 503);
    assert.equal(((await token.json()) as { error?: string }).error, 'temporarily_unavailable');
    // A hang guard rather than a speed test (the timeout is 300 ms; without a deadline the request never ends).
    assert.ok(waited < 10_000, `token answered after ${Math.round(waited)} ms`);
    console.log(`hung Redis: 503 after ${Math.round(waited)} ms`);
    const ready = await fetch(`${url}/healthz/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: 'unavailable', checks: { storage: 'unavailable', keys: 'ok' } });
    assert.ok(
      lines.some((line) => line.includes('Command timed out')),
      'the log names the cause',
    );
    assert.ok(!lines.join('\n').includes(m2mSecret), 'no secret logged');
  });
});
