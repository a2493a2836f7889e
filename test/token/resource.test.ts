import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWK } from 'jose';
import {
  basicAuth,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from './fixtures.ts';

/**
 * Resource indicators (RFC 8707) at the token endpoint of a real provider: the resource consented to in the
 * authorization request (carried by the code, then the refresh token) becomes the access token's audience — `aud` of
 * a JWT access token, `aud` of an opaque one in introspection; a different or malformed resource is `invalid_target`
 * and does not burn the code; client_credentials takes any valid resource indicator; with the feature off `resource`
 * is ignored.
 */

const api = 'https://api.example.com/';
const other = 'https://other.example.com/';
const scope = 'openid email offline_access';
const grants = ['authorization_code', 'refresh_token', 'client_credentials'];
const clients = [
  { client_id: 'jwt-at', client_secret: 'jwt-at-secret', access_token_format: 'jwt', redirect_uris: [redirectUri] },
  { client_id: 'opaque-at', client_secret: 'opaque-at-secret', redirect_uris: [redirectUri] },
].map((client) => ({ ...client, grant_types: grants, scope }));
const jwtClient = { authorization: basicAuth('jwt-at', 'jwt-at-secret') };
const opaqueClient = { authorization: basicAuth('opaque-at', 'opaque-at-secret') };

async function seedWithResource(provider: BackChannelProvider, clientId: string, resource?: string): Promise<string> {
  const seeded = await seedCode(provider, { clientId, scope });
  if (resource !== undefined) await provider.models.save({ ...seeded.record, resource });
  return seeded.code;
}

function exchange(provider: BackChannelProvider, code: string, headers: Record<string, string>, extra = {}) {
  return tokenRequest(
    provider,
    { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...extra },
    headers,
  );
}

async function introspect(provider: BackChannelProvider, token: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${provider.issuer}/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...opaqueClient },
    body: new URLSearchParams({ token: String(token) }),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('resource indicators (RFC 8707) at the token endpoint', () => {
  let provider: BackChannelProvider;
  let audienceOf: (token: unknown) => Promise<unknown>;
  before(async () => {
    provider = await startBackChannelProvider({
      clients,
      features: {
        jwtAccessTokens: { enabled: true },
        resourceIndicators: { enabled: true },
        introspection: { enabled: true },
      },
    });
    const jwks = createLocalJWKSet((await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: JWK[] });
    audienceOf = async (token) =>
      (await jwtVerify(String(token), jwks, { issuer: provider.issuer, typ: 'at+jwt' })).payload.aud;
  });
  after(() => provider.stop());

  it('the consented resource is the audience, with or without the parameter', async () => {
    const implicit = await exchange(provider, await seedWithResource(provider, 'jwt-at', api), jwtClient);
    assert.equal(implicit.status, 200, JSON.stringify(implicit.body));
    assert.equal(await audienceOf(implicit.body.access_token), api);
    const explicit = await exchange(provider, await seedWithResource(provider, 'jwt-at', api), jwtClient, {
      resource: api,
    });
    assert.equal(explicit.status, 200, JSON.stringify(explicit.body));
    assert.equal(await audienceOf(explicit.body.access_token), api);
  });

  it('an opaque access token carries the audience in introspection', async () => {
    const response = await exchange(provider, await seedWithResource(provider, 'opaque-at', api), opaqueClient);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const claims = await introspect(provider, response.body.access_token);
    assert.equal(claims.active, true);
    assert.equal(claims.aud, api);
    const plain = await exchange(provider, await seedWithResource(provider, 'opaque-at'), opaqueClient);
    assert.equal((await introspect(provider, plain.body.access_token)).aud, undefined, 'no resource, no audience');
  });

  it('refuses another resource, one never consented and a malformed one with invalid_target; the code survives', async () => {
    const code = await seedWithResource(provider, 'jwt-at', api);
    for (const resource of [other, 'not a uri', `${api}#fragment`]) {
      const refused = await exchange(provider, code, jwtClient, { resource });
      assert.deepEqual([refused.status, refused.body.error], [400, 'invalid_target'], resource);
    }
    const redeemed = await exchange(provider, code, jwtClient);
    assert.equal(redeemed.status, 200, 'a refused resource did not consume the code');

    const unscoped = await exchange(provider, await seedWithResource(provider, 'jwt-at'), jwtClient, { resource: api });
    assert.deepEqual([unscoped.status, unscoped.body.error], [400, 'invalid_target']);
  });

  it('refresh_token keeps the consented resource, may name it, may not change it', async () => {
    const first = await exchange(provider, await seedWithResource(provider, 'jwt-at', api), jwtClient);
    const refresh = (token: unknown, extra = {}) =>
      tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: String(token), ...extra }, jwtClient);
    const changed = await refresh(first.body.refresh_token, { resource: other });
    assert.deepEqual([changed.status, changed.body.error], [400, 'invalid_target']);
    const kept = await refresh(first.body.refresh_token);
    assert.equal(kept.status, 200, 'invalid_target did not consume the refresh token');
    assert.equal(await audienceOf(kept.body.access_token), api);
    const named = await refresh(kept.body.refresh_token, { resource: api });
    assert.equal(named.status, 200, JSON.stringify(named.body));
    assert.equal(await audienceOf(named.body.access_token), api);
  });

  it('client_credentials: a valid resource becomes the audience, a malformed one is invalid_target', async () => {
    const jwt = await tokenRequest(provider, { grant_type: 'client_credentials', resource: api }, jwtClient);
    assert.equal(jwt.status, 200, JSON.stringify(jwt.body));
    assert.equal(await audienceOf(jwt.body.access_token), api);
    const opaque = await tokenRequest(provider, { grant_type: 'client_credentials', resource: other }, opaqueClient);
    assert.equal((await introspect(provider, opaque.body.access_token)).aud, other);
    const bad = await tokenRequest(provider, { grant_type: 'client_credentials', resource: '/relative' }, jwtClient);
    assert.deepEqual([bad.status, bad.body.error], [400, 'invalid_target']);
  });
});

describe('resource indicators off', () => {
  it('ignores resource at the token endpoint: the audience stays the client', async () => {
    const provider = await startBackChannelProvider({ clients, features: { jwtAccessTokens: { enabled: true } } });
    try {
      const response = await tokenRequest(
        provider,
        { grant_type: 'client_credentials', resource: 'not a uri' },
        jwtClient,
      );
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(decodeJwt(String(response.body.access_token)).aud, 'jwt-at');
    } finally {
      await provider.stop();
    }
  });
});
