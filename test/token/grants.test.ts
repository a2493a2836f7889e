import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import {
  basicAuth,
  basicClient,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  userinfo,
  type BackChannelProvider,
} from './fixtures.ts';

describe('token endpoint: refresh_token, client_credentials and request checks', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider();
  });
  after(() => provider.stop());

  async function tokens(scope?: string): Promise<Record<string, unknown>> {
    const { code } = await seedCode(provider, { clientId: 'basic', nonce: 'n-1', ...(scope ? { scope } : {}) });
    const response = await tokenRequest(
      provider,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri },
      basicClient,
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  }
  const refresh = (token: unknown, extra: Record<string, string> = {}) =>
    tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: String(token), ...extra }, basicClient);

  describe('refresh_token', () => {
    it('rotates: the old refresh token is consumed, a new one issued with the same absolute expiry', async () => {
      const first = await tokens();
      provider.seen.length = 0;
      const second = await refresh(first.refresh_token);
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.notEqual(second.body.refresh_token, first.refresh_token);
      assert.notEqual(second.body.access_token, first.access_token);
      assert.equal(second.headers.get('cache-control'), 'no-store');
      const names = provider.seen.map((event) => event.name);
      assert.deepEqual(names, ['refresh_token.consumed', 'access_token.saved', 'refresh_token.saved', 'grant.success']);
      const [consumed, , saved] = provider.seen.map((event) => event.args[0] as { exp: number; rotations: number });
      assert.equal(saved.exp, consumed.exp, 'rotation keeps the absolute expiry');
      assert.equal(saved.rotations, 1);

      const jwks = createLocalJWKSet((await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: JWK[] });
      const { payload } = await jwtVerify(String(second.body.id_token), jwks, {
        issuer: provider.issuer,
        audience: 'basic',
      });
      assert.equal(payload.sub, 'alice-sub');
      assert.equal(payload.nonce, 'n-1');
      assert.equal((await userinfo(provider, String(second.body.access_token))).status, 200);
    });

    it('reuse of a rotated refresh token fails and revokes the whole grant', async () => {
      const first = await tokens();
      const second = await refresh(first.refresh_token);
      provider.seen.length = 0;
      const reuse = await refresh(first.refresh_token);
      assert.deepEqual([reuse.status, reuse.body.error], [400, 'invalid_grant']);
      assert.ok(provider.seen.some((event) => event.name === 'grant.revoked'));
      assert.equal((await userinfo(provider, String(second.body.access_token))).status, 401);
      assert.equal((await refresh(second.body.refresh_token)).body.error, 'invalid_grant', 'descendants revoked');
    });

    it('may narrow the scope of the new access token, never widen it', async () => {
      const first = await tokens('openid email offline_access');
      const narrowed = await refresh(first.refresh_token, { scope: 'openid' });
      assert.equal(narrowed.status, 200);
      assert.equal(narrowed.body.scope, 'openid');
      const info = await userinfo(provider, String(narrowed.body.access_token));
      assert.equal(info.body.email, undefined, 'the narrowed token no longer releases email');
      const full = await refresh(narrowed.body.refresh_token);
      assert.equal(full.body.scope, 'openid email offline_access', 'the new refresh token kept the granted scope');
      const widened = await refresh(full.body.refresh_token, { scope: 'openid profile' });
      assert.deepEqual([widened.status, widened.body.error], [400, 'invalid_scope']);
    });

    it("refuses another client's refresh token, an unknown one, and a missing parameter", async () => {
      const first = await tokens();
      const foreign = await tokenRequest(provider, {
        grant_type: 'refresh_token',
        refresh_token: String(first.refresh_token),
        client_id: 'post',
        client_secret: 'post-secret',
      });
      assert.equal(foreign.body.error, 'invalid_grant');
      assert.equal((await refresh(first.refresh_token)).status, 200, 'the foreign attempt did not consume it');
      assert.equal((await refresh('nope')).body.error, 'invalid_grant');
      const missing = await tokenRequest(provider, { grant_type: 'refresh_token' }, basicClient);
      assert.equal(missing.body.error, 'invalid_request');
    });
  });

  describe('client_credentials', () => {
    const service = { authorization: basicAuth('service', 'service-secret') };

    it('issues an opaque token within the client’s scopes, without refresh or ID token', async () => {
      provider.seen.length = 0;
      const response = await tokenRequest(provider, { grant_type: 'client_credentials', scope: 'email' }, service);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.scope, 'email');
      assert.equal(response.body.expires_in, provider.config.ttl.clientCredentials);
      assert.match(String(response.body.access_token), /^[\w-]{43}$/);
      assert.equal(response.body.refresh_token, undefined);
      assert.equal(response.body.id_token, undefined);
      assert.deepEqual(
        provider.seen.map((event) => event.name),
        ['client_credentials.saved', 'grant.success'],
      );
      assert.equal((await userinfo(provider, String(response.body.access_token))).status, 401, 'no end-user');
    });

    it('refuses scopes outside the client’s, and end-user scopes', async () => {
      for (const scope of ['phone', 'openid', 'offline_access', 'admin']) {
        const response = await tokenRequest(provider, { grant_type: 'client_credentials', scope }, service);
        assert.deepEqual([response.status, response.body.error], [400, 'invalid_scope'], scope);
      }
    });
  });

  describe('request checks', () => {
    it('refuses unsupported and missing grant types before authenticating the client', async () => {
      for (const grantType of ['password', 'implicit', 'urn:ietf:params:oauth:grant-type:jwt-bearer']) {
        const response = await tokenRequest(provider, { grant_type: grantType }, basicClient);
        assert.deepEqual([response.status, response.body.error], [400, 'unsupported_grant_type']);
      }
      const missing = await tokenRequest(provider, {}, basicClient);
      assert.deepEqual([missing.status, missing.body.error], [400, 'invalid_request']);
      const proto = await tokenRequest(provider, { grant_type: 'constructor' }, basicClient);
      assert.equal(proto.body.error, 'unsupported_grant_type');
    });

    it('refuses a grant type the client is not registered for with unauthorized_client', async () => {
      const noRefresh = { authorization: basicAuth('no-refresh', 'nr-secret') };
      const response = await tokenRequest(provider, { grant_type: 'client_credentials' }, noRefresh);
      assert.deepEqual([response.status, response.body.error], [400, 'unauthorized_client']);
      const refresh = await tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: 'x' }, noRefresh);
      assert.equal(refresh.body.error, 'unauthorized_client');
      const service = await tokenRequest(
        provider,
        { grant_type: 'refresh_token', refresh_token: 'x' },
        { authorization: basicAuth('service', 'service-secret') },
      );
      assert.equal(service.body.error, 'unauthorized_client');
    });

    it('refuses repeated parameters, other content types and other methods', async () => {
      const repeated = await fetch(`${provider.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...basicClient },
        body: 'grant_type=client_credentials&scope=profile&scope=email',
      });
      assert.equal(repeated.status, 400);
      assert.equal(((await repeated.json()) as { error: string }).error, 'invalid_request');
      const json = await fetch(`${provider.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...basicClient },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      assert.equal(json.status, 400);
      const get = await fetch(`${provider.issuer}/token?grant_type=client_credentials`, { headers: basicClient });
      assert.equal(get.status, 400);
      assert.equal(get.headers.get('cache-control'), 'no-store');
    });
  });
});
