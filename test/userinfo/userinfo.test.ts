import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  basicAuth,
  basicClient,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from '../token/fixtures.ts';

describe('userinfo endpoint', () => {
  let provider: BackChannelProvider;
  let url: string;
  before(async () => {
    provider = await startBackChannelProvider();
    url = `${provider.issuer}/userinfo`;
  });
  after(() => provider.stop());

  async function accessToken(scope: string, claims?: string, grantClaims?: string[]): Promise<string> {
    const { code } = await seedCode(provider, {
      clientId: 'basic',
      scope,
      ...(claims ? { claims } : {}),
      ...(grantClaims ? { grantClaims } : {}),
    });
    const response = await tokenRequest(
      provider,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri },
      basicClient,
    );
    return String(response.body.access_token);
  }

  it('answers GET with a header token and POST with a body token, never cached', async () => {
    const token = await accessToken('openid email');
    const get = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await get.json(), { sub: 'alice-sub', email: 'alice@example.com', email_verified: true });
    const post = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: token }),
    });
    assert.equal(post.status, 200);
    assert.equal(((await post.json()) as { sub: string }).sub, 'alice-sub');
    const postHeader = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(postHeader.status, 200);
  });

  it('releases claims by scope, plus the claims parameter’s userinfo member when consented', async () => {
    const profile = await (
      await fetch(url, { headers: { authorization: `Bearer ${await accessToken('openid profile')}` } })
    ).json();
    assert.deepEqual(profile, { sub: 'alice-sub', name: 'Alice Example' });
    const claims = JSON.stringify({ userinfo: { phone_number: null, address: { essential: true } } });
    const token = await accessToken('openid', claims, ['phone_number']);
    const withClaims = await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json();
    assert.deepEqual(withClaims, { sub: 'alice-sub', phone_number: '+1 555 0100' }, 'address was not consented');
  });

  it('answers 401 with a bare Bearer challenge when no token is sent (RFC 6750 §3.1)', async () => {
    const response = await fetch(url);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), `Bearer realm="${provider.issuer}"`);
  });

  it('refuses invalid tokens with invalid_token in the challenge, and emits userinfo.error', async () => {
    provider.seen.length = 0;
    const response = await fetch(url, { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(response.status, 401);
    const challenge = String(response.headers.get('www-authenticate'));
    assert.match(challenge, /^Bearer realm="[^"]+", error="invalid_token", error_description="[^"]+"$/);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_token');
    const event = provider.seen.find((seen) => seen.name === 'userinfo.error');
    assert.equal((event?.args[1] as { error: string } | undefined)?.error, 'invalid_token');

    const service = await tokenRequest(
      provider,
      { grant_type: 'client_credentials', scope: 'email' },
      {
        authorization: basicAuth('service', 'service-secret'),
      },
    );
    const machine = await fetch(url, { headers: { authorization: `Bearer ${String(service.body.access_token)}` } });
    assert.equal(machine.status, 401, 'a client-credentials token speaks for no end-user');
  });

  it('answers 403 insufficient_scope for a token without openid', async () => {
    const token = await accessToken('email');
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 403);
    assert.match(String(response.headers.get('www-authenticate')), /error="insufficient_scope"/);
  });

  it('refuses a token in the query, and in both header and body, as invalid_request', async () => {
    const token = await accessToken('openid');
    const query = await fetch(`${url}?access_token=${token}`);
    assert.equal(query.status, 400);
    assert.match(String(query.headers.get('www-authenticate')), /error="invalid_request"/);
    const both = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: token }),
    });
    assert.equal(both.status, 400);
    const repeated = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `access_token=${token}&access_token=${token}`,
    });
    assert.equal(repeated.status, 400);
  });
});
