import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { manualClock } from '../../provider/time/clock.ts';
import { tokenHash } from '../../provider/tokens/hash.ts';
import {
  basicAuth,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  userinfo,
  type BackChannelProvider,
} from '../token/fixtures.ts';

/**
 * JWT access tokens (RFC 9068) on a real provider: a `jwt`-format client gets signed `at+jwt` tokens from
 * authorization_code, refresh_token and client_credentials, verifiable against the published JWKS with the claims the
 * RFC requires; they are announced with `.issued` and never stored; userinfo accepts them after verifying them;
 * introspection and revocation refuse them. An `opaque`-format client on the same provider is unaffected.
 */

const scope = 'openid profile email offline_access';
const grants = ['authorization_code', 'refresh_token', 'client_credentials'];
const clients = [
  { client_id: 'jwt-at', client_secret: 'jwt-at-secret', access_token_format: 'jwt', redirect_uris: [redirectUri] },
  { client_id: 'opaque-at', client_secret: 'opaque-at-secret', redirect_uris: [redirectUri] },
].map((client) => ({ ...client, grant_types: grants, scope }));
const jwtClient = { authorization: basicAuth('jwt-at', 'jwt-at-secret') };
const opaqueClient = { authorization: basicAuth('opaque-at', 'opaque-at-secret') };

describe('JWT access tokens (RFC 9068)', () => {
  let provider: BackChannelProvider;
  const clock = manualClock(Date.now());
  let jwks: ReturnType<typeof createLocalJWKSet>;
  before(async () => {
    provider = await startBackChannelProvider(
      {
        clients,
        features: {
          jwtAccessTokens: { enabled: true },
          introspection: { enabled: true },
          revocation: { enabled: true },
        },
        ttl: { accessToken: 900, clientCredentials: 300 },
      },
      { clock },
    );
    jwks = createLocalJWKSet((await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: JWK[] });
  });
  after(() => provider.stop());

  async function codeExchange(clientId = 'jwt-at', headers = jwtClient): Promise<Record<string, unknown>> {
    const { code } = await seedCode(provider, { clientId, scope, nonce: 'n-jwt' });
    const response = await tokenRequest(
      provider,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri },
      headers,
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  }

  /** Verifies like a resource server would: signature against the JWKS, `typ`, issuer, audience. */
  async function verify(token: unknown, audience: string): Promise<JWTPayload> {
    const { payload, protectedHeader } = await jwtVerify(String(token), jwks, {
      issuer: provider.issuer,
      audience,
      typ: 'at+jwt',
      currentDate: new Date(clock.now()),
    });
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(protectedHeader.alg, 'RS256', 'the first configured algorithm');
    return payload;
  }

  it('authorization_code: a signed at+jwt with iss, exp, aud, sub, client_id, iat, jti, scope, auth_time, amr', async () => {
    provider.seen.length = 0;
    const body = await codeExchange();
    const payload = await verify(body.access_token, 'jwt-at');
    assert.equal(payload.sub, 'alice-sub');
    assert.equal(payload.client_id, 'jwt-at');
    assert.equal(payload.aud, 'jwt-at', 'no resource indicator: the client is the audience');
    assert.equal(payload.scope, scope);
    assert.equal(payload.exp! - payload.iat!, 900);
    assert.equal(body.expires_in, 900);
    assert.equal(typeof payload.jti, 'string');
    assert.equal(typeof payload.auth_time, 'number');
    assert.deepEqual(payload.amr, ['pwd']);
    assert.equal(payload.nonce, undefined, 'nonce belongs to the ID token only');

    const names = provider.seen.map((event) => event.name);
    assert.ok(names.includes('access_token.issued'), names.join());
    assert.ok(!names.includes('access_token.saved'), 'JWT access tokens are not saved');
    const issued = provider.seen.find((event) => event.name === 'access_token.issued')!.args[0] as Record<
      string,
      unknown
    >;
    assert.equal(issued.jti, payload.jti);
    assert.equal(issued.format, 'jwt');
    assert.equal(await provider.storage.adapter('AccessToken').find(String(payload.jti)), undefined, 'not stored');

    const idToken = await jwtVerify(String(body.id_token), jwks, {
      issuer: provider.issuer,
      audience: 'jwt-at',
      currentDate: new Date(clock.now()),
    });
    assert.equal(idToken.payload.at_hash, tokenHash(String(body.access_token), 'RS256'));
  });

  it('refresh_token: the new access token is a JWT too', async () => {
    const first = await codeExchange();
    const refreshed = await tokenRequest(
      provider,
      { grant_type: 'refresh_token', refresh_token: String(first.refresh_token), scope: 'openid email' },
      jwtClient,
    );
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const payload = await verify(refreshed.body.access_token, 'jwt-at');
    assert.equal(payload.scope, 'openid email');
    assert.notEqual(payload.jti, (await verify(first.access_token, 'jwt-at')).jti);
  });

  it('client_credentials: sub is the client, client_credentials.issued is emitted, nothing stored', async () => {
    provider.seen.length = 0;
    const response = await tokenRequest(provider, { grant_type: 'client_credentials', scope: 'profile' }, jwtClient);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const payload = await verify(response.body.access_token, 'jwt-at');
    assert.equal(payload.sub, 'jwt-at');
    assert.equal(payload.client_id, 'jwt-at');
    assert.equal(payload.scope, 'profile');
    assert.equal(payload.exp! - payload.iat!, 300);
    const names = provider.seen.map((event) => event.name);
    assert.deepEqual(names, ['client_credentials.issued', 'grant.success']);
    assert.equal(await provider.storage.adapter('ClientCredentials').find(String(payload.jti)), undefined);
  });

  it('an opaque-format client on the same provider still gets opaque, stored tokens', async () => {
    provider.seen.length = 0;
    const body = await codeExchange('opaque-at', opaqueClient);
    assert.doesNotMatch(String(body.access_token), /\./);
    assert.ok(provider.seen.some((event) => event.name === 'access_token.saved'));
    assert.ok(!provider.seen.some((event) => event.name === 'access_token.issued'));
  });

  describe('userinfo', () => {
    it('accepts a JWT access token with openid', async () => {
      const body = await codeExchange();
      const info = await userinfo(provider, String(body.access_token));
      assert.equal(info.status, 200, JSON.stringify(info.body));
      assert.deepEqual(info.body, {
        sub: 'alice-sub',
        name: 'Alice Example',
        email: 'alice@example.com',
        email_verified: true,
      });
    });

    it('refuses a tampered token, an ID token (typ JWT) and an expired one with invalid_token', async () => {
      const body = await codeExchange();
      const token = String(body.access_token);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url')}.${signature}`;
      const idToken = String(body.id_token);
      assert.equal(decodeProtectedHeader(idToken).typ, 'JWT');
      for (const bad of [forged, idToken, `${token.slice(0, -4)}AAAA`]) {
        const response = await userinfo(provider, bad);
        assert.equal(response.status, 401);
        assert.match(String(response.headers.get('www-authenticate')), /error="invalid_token"/);
      }
      clock.advance(901_000);
      try {
        const expired = await userinfo(provider, token);
        assert.equal(expired.status, 401, 'expired by the provider clock');
      } finally {
        clock.advance(-901_000);
      }
    });

    it('answers insufficient_scope for a client_credentials JWT (no openid)', async () => {
      const response = await tokenRequest(provider, { grant_type: 'client_credentials', scope: 'profile' }, jwtClient);
      const info = await userinfo(provider, String(response.body.access_token));
      assert.equal(info.status, 403);
      assert.match(String(info.headers.get('www-authenticate')), /insufficient_scope/);
    });
  });

  it('introspection and revocation answer unsupported_token_type for JWT access tokens', async () => {
    const body = await codeExchange();
    for (const path of ['introspect', 'revoke']) {
      const response = await fetch(`${provider.issuer}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...jwtClient },
        body: new URLSearchParams({ token: String(body.access_token) }),
      });
      assert.equal(response.status, 400, path);
      assert.equal(((await response.json()) as { error: string }).error, 'unsupported_token_type', path);
    }
  });
});

describe('JWT access tokens: algorithm and feature switch', () => {
  it('signs with the first configured algorithm', async () => {
    const provider = await startBackChannelProvider({
      clients,
      signingAlgorithms: ['ES256', 'RS256'],
      features: { jwtAccessTokens: { enabled: true } },
    });
    try {
      const response = await tokenRequest(provider, { grant_type: 'client_credentials' }, jwtClient);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const jwks = createLocalJWKSet((await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: JWK[] });
      const { protectedHeader } = await jwtVerify(String(response.body.access_token), jwks, { typ: 'at+jwt' });
      assert.equal(protectedHeader.alg, 'ES256');
    } finally {
      await provider.stop();
    }
  });

  it('with the feature off a jwt-format client cannot be configured', async () => {
    await assert.rejects(startBackChannelProvider({ clients }), /access_token_format/);
  });
});
