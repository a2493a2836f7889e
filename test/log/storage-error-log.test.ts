import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startTestProvider, type TestProvider } from '../support/provider.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

/**
 * Attack: make Redis answer a write with an error reply (here out of memory: `maxmemory 1` with `noeviction`) while
 * the provider stores a record holding a secret. ioredis attaches the command and its arguments — the whole record —
 * to the ReplyError; logging that error object would put the client secret in the log store. The log line must
 * name the failure and nothing of the command.
 */
describe('a storage error reply never carries a record into the log', () => {
  let redis: RedisServer;
  let admin: Redis;
  let provider: TestProvider;
  const lines: string[] = [];
  before(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
    provider = await startTestProvider(
      {
        storage: { type: 'redis', url: redis.url, keyPrefix: 'errlog:' },
        features: { registration: { enabled: true, initialAccessToken: false } },
      },
      { logDestination: { write: (line: string) => void lines.push(line) } },
    );
  });
  after(async () => {
    await provider.stop();
    admin.disconnect();
    await redis.stop();
  });

  it('logs a failed RFC 7592 update of a client_secret_jwt client without its secret', async () => {
    const created = await fetch(`${provider.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_jwt',
      }),
    });
    assert.equal(created.status, 201);
    const info = (await created.json()) as Record<string, string>;
    const secret = info.client_secret;
    assert.ok(secret && secret.length >= 32);

    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    try {
      const updated = await fetch(info.registration_client_uri, {
        method: 'PUT',
        headers: { authorization: `Bearer ${info.registration_access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: info.client_id,
          client_name: 'renamed',
          grant_types: ['client_credentials'],
          response_types: [],
          token_endpoint_auth_method: 'client_secret_jwt',
        }),
      });
      assert.equal(updated.status, 500);
      assert.deepEqual(await updated.json(), { error: 'server_error' });
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }

    const log = lines.join('');
    const serverError = lines.find((line) => line.includes('"server_error"'));
    assert.ok(serverError, 'the failure is logged');
    assert.match(serverError, /OOM/, 'the log line says what failed');
    assert.ok(!log.includes(secret), 'the client secret is not in the log');
    for (const leak of ['secretForJwt', 'secretHash', '"args"', 'client_name']) {
      assert.ok(!serverError.includes(leak), `the log line holds no ${leak}`);
    }
  });
});
