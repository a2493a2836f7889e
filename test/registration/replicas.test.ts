import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { staticTokenHash } from '../../provider/registration/initial-access-token.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

/**
 * Two provider replicas on one real Redis: a client registered on one is served by the other at once — management,
 * client credentials, introspection and revocation — and its deletion on one ends it on both.
 */

const token = 'replica-test-initial-access-token-0123456789';

describe('registration across replicas (Redis)', () => {
  let redis: RedisServer;
  let a: TestProvider;
  let b: TestProvider;
  before(async () => {
    redis = await startRedis();
    const overrides = {
      storage: { type: 'redis', url: redis.url, keyPrefix: 'replicas:' },
      features: {
        registration: { enabled: true, initialAccessTokens: [{ sha256: staticTokenHash(token) }] },
        introspection: { enabled: true },
        revocation: { enabled: true },
      },
    };
    a = await startTestProvider(overrides);
    b = await startTestProvider(overrides);
  });
  after(async () => {
    await a.stop();
    await b.stop();
    await redis.stop();
  });

  const form = (provider: TestProvider, path: string, auth: string, params: Record<string, string>) =>
    fetch(`${provider.issuer}${path}`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });

  it('serves a client registered on one replica from the other, and deletes it everywhere', async () => {
    const created = await fetch(`${a.issuer}/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grant_types: ['client_credentials'], response_types: [], scope: 'profile' }),
    });
    assert.equal(created.status, 201);
    const info = (await created.json()) as Record<string, string>;
    const clientId = info.client_id;
    const rat = info.registration_access_token;
    const onB = (uri: string) => uri.replace(a.issuer, b.issuer);
    const basic = `Basic ${Buffer.from(`${clientId}:${info.client_secret}`).toString('base64')}`;

    const read = await fetch(onB(info.registration_client_uri), { headers: { authorization: `Bearer ${rat}` } });
    assert.equal(read.status, 200);
    const issued = await form(b, '/token', basic, { grant_type: 'client_credentials' });
    assert.equal(issued.status, 200);
    const accessToken = ((await issued.json()) as { access_token: string }).access_token;
    const introspected = await form(a, '/introspect', basic, { token: accessToken });
    assert.equal(((await introspected.json()) as { active: boolean }).active, true);
    assert.equal((await form(b, '/revoke', basic, { token: accessToken })).status, 200);
    const after = await form(a, '/introspect', basic, { token: accessToken });
    assert.deepEqual(await after.json(), { active: false });

    const removed = await fetch(info.registration_client_uri, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${rat}` },
    });
    assert.equal(removed.status, 204);
    const gone = await fetch(onB(info.registration_client_uri), { headers: { authorization: `Bearer ${rat}` } });
    assert.equal(gone.status, 401);
    assert.equal((await form(b, '/token', basic, { grant_type: 'client_credentials' })).status, 401);
  });
});
