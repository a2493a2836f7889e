import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { m2mClient, m2mSecret, m2mTokenRequest } from '../support/m2m-client.ts';
import { grantRecord } from '../storage/records.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

let redis: RedisServer | undefined;
let provider: TestProvider | undefined;
after(async () => {
  await provider?.stop();
  await redis?.stop();
});

async function readiness(url: string): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/healthz/ready`);
  return { status: response.status, body: await response.json(), ms: performance.now() - started };
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('provider on Redis storage: outage', () => {
  it('is ready, answers 503 fast while Redis is down, and serves again by itself when Redis is back', async () => {
    redis = await startRedis();
    const port = redis.port;
    const lines: { msg?: string }[] = [];
    provider = await startTestProvider(
      {
        storage: { type: 'redis', url: redis.url, keyPrefix: 'outage:' },
        logLevel: 'info',
        clients: [m2mClient],
      },
      { logDestination: { write: (line: string) => lines.push(JSON.parse(line) as { msg?: string }) } },
    );
    const storageLog = (): string[] =>
      lines.flatMap((line) => (line.msg?.startsWith('storage ') ? [line.msg.split(';')[0] ?? ''] : []));
    const { url } = provider;

    const up = await readiness(url);
    assert.equal(up.status, 200);
    assert.deepEqual(up.body, { status: 'ok', checks: { storage: 'ok', keys: 'ok' } });
    assert.equal((await fetch(`${url}/healthz/live`)).status, 200);

    await redis.stop();
    const down = await readiness(url);
    assert.equal(down.status, 503);
    assert.deepEqual(down.body, { status: 'unavailable', checks: { storage: 'unavailable', keys: 'ok' } });
    assert.ok(down.ms < 3_000, `readiness answered after ${Math.round(down.ms)} ms`);
    assert.equal((await fetch(`${url}/healthz/live`)).status, 200, 'still alive: no restart wanted');
    assert.equal((await fetch(`${url}/.well-known/openid-configuration`)).status, 200, 'no storage needed');
    // A token request needs storage: 503 temporarily_unavailable at once, not a hang or a 500.
    const started = performance.now();
    const token = await m2mTokenRequest(url);
    assert.equal(token.status, 503);
    assert.equal(((await token.json()) as { error?: string }).error, 'temporarily_unavailable');
    assert.ok(
      performance.now() - started < 1_500,
      `token answered after ${Math.round(performance.now() - started)} ms`,
    );

    redis = await startRedis({ port });
    await eventually(async () => (await readiness(url)).status === 200, 5_000, 'readiness after Redis returned');
    const issued = await m2mTokenRequest(url);
    assert.equal(issued.status, 200, 'tokens are issued again');
    const { access_token: accessToken } = (await issued.json()) as { access_token: string };
    const logText = JSON.stringify(lines);
    assert.ok(!logText.includes(m2mSecret) && !logText.includes(accessToken), 'no secret or token logged');
    // One log line per change, however many reconnection attempts failed in between.
    assert.deepEqual(storageLog(), ['storage available', 'storage unavailable', 'storage available']);
    // The same storage object recovered: nothing was recreated.
    await provider.storage.adapter('Grant').upsert('g', grantRecord('g'), 60);
    assert.equal((await provider.storage.adapter('Grant').find('g'))?.jti, 'g');
  });
});
