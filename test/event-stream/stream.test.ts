/**
 * The provider's side of the event bridge against a real Redis: events of real requests land in the stream
 * `<keyPrefix>events` with the right fields and no secret; success events do not; the stream stays bounded; and a
 * Redis that is down or stalled never changes a response — records are dropped and counted instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { EventStreamWriter } from '../../provider/event-stream/writer.ts';
import { fromStreamFields, streamKey, type EventStreamRecord } from '../../provider/event-stream/record.ts';
import { browserlessLogin } from '../support/browserless-login.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, startFrontChannelProvider, redirectUri } from '../authorization/fixtures.ts';

const webSecret = 'web-secret-web-secret-web-secret';
const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function token(provider: TestProvider, body: Record<string, string>, secret = webSecret): Promise<Response> {
  return fetch(`${provider.issuer}/token`, {
    method: 'POST',
    headers: { authorization: basic('web', secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function counter(provider: TestProvider, name: string): Promise<number> {
  const metric = await provider.metrics.registry.getSingleMetric(name)?.get();
  return metric?.values[0]?.value ?? 0;
}

describe('event stream (provider side)', { timeout: 180_000 }, () => {
  let redis: RedisServer | undefined;
  let provider: TestProvider | undefined;
  let reader: Redis | undefined;
  const key = streamKey('es:');

  before(async () => {
    redis = await startRedis();
    reader = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await reader.connect();
    provider = await startFrontChannelProvider({
      storage: { type: 'redis', url: redis.url, keyPrefix: 'es:' },
      logLevel: 'error',
    });
  });
  after(async () => {
    reader?.disconnect();
    await provider?.stop();
    await redis?.stop();
  });

  const redisClient = (): Redis => {
    assert.ok(reader);
    return reader;
  };
  const entries = async (): Promise<[string, string[]][]> => redisClient().xrange(key, '-', '+');
  const records = async (): Promise<EventStreamRecord[]> =>
    (await entries()).flatMap(([, fields]) => fromStreamFields(fields) ?? []);

  it('streams failed token requests and a detected code replay, with no secret, code or token', async () => {
    assert.ok(provider);
    const login = await browserlessLogin(authorizationUrl(provider, { scope: 'openid offline_access' }), {
      username: 'alice',
      password: passwords.alice,
    });
    const code = login.params.get('code') ?? '';
    const redeem = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
    const issued = await token(provider, redeem);
    assert.equal(issued.status, 200);
    const tokens = (await issued.json()) as Partial<Record<string, string>>;
    const replay = await token(provider, redeem);
    assert.equal(replay.status, 400);
    const bogus = await token(provider, {
      grant_type: 'authorization_code',
      code: 'bogus-code-value-123',
      redirect_uri: redirectUri,
    });
    assert.equal(((await bogus.json()) as { error: string }).error, 'invalid_grant');
    const wrongSecret = await token(provider, { grant_type: 'client_credentials' }, 'not-the-web-secret-value');
    assert.equal(wrongSecret.status, 401);
    const unknownClient = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { authorization: basic('nobody', 'whatever'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    assert.equal(unknownClient.status, 401);

    const streamed = await eventually('five records', async () => {
      const all = await records();
      return all.length >= 5 ? all : undefined;
    });
    const summary = streamed.map((r) => `${r.event} ${r.error ?? ''} ${r.clientId ?? '-'}`);
    assert.deepEqual(summary, [
      'grant.revoked invalid_grant web',
      'grant.error invalid_grant web',
      'grant.error invalid_grant web',
      // A wrong secret names the registered client it claimed to be (its owner sees the failure); an unknown id none.
      'grant.error invalid_client web',
      'grant.error invalid_client -',
    ]);
    const [revoked, replayError] = streamed as [EventStreamRecord, EventStreamRecord];
    assert.equal(revoked.issuer, provider.issuer);
    assert.equal(revoked.endpoint, 'token');
    assert.equal(revoked.grantType, 'authorization_code');
    assert.ok(Math.abs(Date.parse(revoked.time) - Date.now()) < 10_000);
    assert.equal(typeof replayError.description, 'string');
    // Only records: no success event (the first redemption, the login) reached the stream.
    assert.ok(streamed.every((r) => r.event.endsWith('.error') || r.event === 'grant.revoked'));

    const raw = JSON.stringify(await entries());
    const secrets: string[] = [
      webSecret,
      'not-the-web-secret-value',
      passwords.alice,
      code,
      'bogus-code-value-123',
      tokens.access_token ?? '',
      tokens.refresh_token ?? '',
      tokens.id_token ?? '',
      'sub-alice',
    ];
    for (const secret of secrets) {
      assert.ok(secret.length > 0);
      assert.ok(!raw.includes(secret), `the stream must not contain ${secret.slice(0, 6)}…`);
    }
  });

  it('stays bounded by MAXLEN ~', async () => {
    assert.ok(redis);
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    try {
      const boundedKey = 'bounded:events';
      const writer = new EventStreamWriter({
        client,
        key: boundedKey,
        maxLength: 50,
        bufferSize: 10_000,
        onDropped: () => assert.fail('nothing is dropped while Redis is up'),
      });
      for (let i = 0; i < 2_000; i++) {
        writer.push({ event: 'grant.error', time: new Date().toISOString(), issuer: 'https://x', error: 'other' });
        if (i % 200 === 0) await writer.drain();
      }
      await writer.drain();
      const length = await redisClient().xlen(boundedKey);
      // Approximate trimming removes whole radix-tree nodes (100 entries by default): near 50, never near 2000.
      assert.ok(length >= 50 && length <= 150, `stream length ${length}`);
    } finally {
      client.disconnect();
    }
  });

  it('drops (and counts) records when the buffer is full because Redis stalls', async () => {
    assert.ok(redis);
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    try {
      let dropped = 0;
      const writer = new EventStreamWriter({
        client,
        key: 'stalled:events',
        maxLength: 100,
        bufferSize: 10,
        onDropped: (count) => {
          dropped += count;
        },
      });
      await redisClient().call('CLIENT', 'PAUSE', '1000', 'WRITE');
      const record = { event: 'grant.error', time: new Date().toISOString(), issuer: 'https://x', error: 'other' };
      writer.push(record);
      await new Promise((resolve) => setImmediate(resolve)); // the first flush is now stuck on the pause
      for (let i = 0; i < 30; i++) writer.push(record);
      assert.equal(dropped, 20, 'push never waits: what does not fit the buffer is dropped at once');
      await writer.drain();
      assert.equal(dropped, 20);
      assert.equal(await redisClient().xlen('stalled:events'), 11);
    } finally {
      client.disconnect();
    }
  });

  it('while Redis is down: responses are unchanged and records are dropped and counted', async () => {
    assert.ok(provider && redis);
    const before = await counter(provider, 'kubeoidc_event_stream_dropped_total');
    await redis.stop();
    // Needs no storage (static client, no grant_type): the same 400 as always, at once.
    const started = performance.now();
    const response = await token(provider, {});
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
    // Needs storage: the usual 503 of an outage (and a server_error event, also dropped).
    const outage = await token(provider, {
      grant_type: 'authorization_code',
      code: 'another-bogus-code',
      redirect_uri: redirectUri,
    });
    assert.equal(outage.status, 503);
    assert.ok(performance.now() - started < 2_500);
    await eventually('drops counted', async () =>
      (await counter(provider!, 'kubeoidc_event_stream_dropped_total')) >= before + 2 ? true : undefined,
    );
  });
});
