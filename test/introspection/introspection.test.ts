import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OIDCError } from '../../provider/errors/oidc-error.ts';
import type { RequestContext } from '../../provider/events/context.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { opaqueTokenId } from '../../provider/tokens/opaque.ts';
import {
  basicAuth,
  basicClient,
  basicSecret,
  pkce,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from '../token/fixtures.ts';

/**
 * RFC 7662 token introspection against a real provider: client authentication required, active and inactive answers
 * (unknown, expired, rotated refresh token, revoked grant), `token_type_hint` only orders the look-up, clients
 * see only their own tokens (policy.test.ts has who else may), structured tokens are `unsupported_token_type`, `no-store`, and `introspection.error`.
 */

describe('token introspection (RFC 7662)', () => {
  let provider: BackChannelProvider;
  const clock = manualClock(Date.UTC(2026, 0, 1, 12));

  before(async () => {
    provider = await startBackChannelProvider(
      { features: { introspection: { enabled: true } }, ttl: { accessToken: 600 } },
      { clock },
    );
  });
  after(() => provider.stop());

  const introspect = async (
    params: Record<string, string>,
    headers: Record<string, string> = basicClient,
  ): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> => {
    const response = await fetch(`${provider.issuer}/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params).toString(),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  /** Access and refresh token of `clientId` from a real code exchange. */
  const userTokens = async (
    clientId = 'basic',
    auth: Record<string, string> = basicClient,
  ): Promise<{ access: string; refresh: string; grantId: string }> => {
    const { verifier, challenge } = pkce();
    const { code, grantId } = await seedCode(provider, { clientId, codeChallenge: challenge });
    const extra: Record<string, string> = {
      code_verifier: verifier,
      ...(clientId === 'public' ? { client_id: 'public' } : {}),
    };
    const { status, body } = await tokenRequest(
      provider,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...extra },
      auth,
    );
    assert.equal(status, 200, JSON.stringify(body));
    return { access: body.access_token as string, refresh: body.refresh_token as string, grantId };
  };

  it('is advertised in discovery', async () => {
    const metadata = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(metadata.introspection_endpoint, `${provider.issuer}/introspect`);
    assert.ok((metadata.introspection_endpoint_auth_methods_supported as string[]).includes('private_key_jwt'));
  });

  it('describes an active access token', async () => {
    const { access } = await userTokens();
    const { status, headers, body } = await introspect({ token: access });
    assert.equal(status, 200);
    assert.equal(headers.get('cache-control'), 'no-store');
    const now = Math.floor(clock.now() / 1000);
    assert.deepEqual(body, {
      active: true,
      client_id: 'basic',
      scope: 'openid profile email offline_access',
      exp: now + provider.config.ttl.accessToken,
      iat: now,
      iss: provider.issuer,
      jti: opaqueTokenId(access),
      token_type: 'Bearer',
      sub: 'alice-sub',
      sid: 'sid-1',
    });
  });

  it('describes a refresh token (no token_type) and honours token_type_hint only as an ordering', async () => {
    const { refresh } = await userTokens();
    for (const hint of [undefined, 'refresh_token', 'access_token', 'something_else']) {
      const { body } = await introspect({ token: refresh, ...(hint ? { token_type_hint: hint } : {}) });
      assert.equal(body.active, true, String(hint));
      assert.equal(body.token_type, undefined);
      assert.equal(body.sub, 'alice-sub');
    }
  });

  it('describes a client-credentials token (no sub)', async () => {
    const { body: issued } = await tokenRequest(
      provider,
      { grant_type: 'client_credentials', scope: 'profile' },
      { authorization: basicAuth('service', 'service-secret') },
    );
    const { body } = await introspect(
      { token: issued.access_token as string },
      { authorization: basicAuth('service', 'service-secret') },
    );
    assert.equal(body.active, true);
    assert.equal(body.client_id, 'service');
    assert.equal(body.scope, 'profile');
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.sub, undefined);
  });

  it('answers { active: false } and nothing else for unknown, expired, rotated and revoked tokens', async () => {
    assert.deepEqual((await introspect({ token: 'unknown-token' })).body, { active: false });

    const rotated = await userTokens();
    const rotation = await tokenRequest(
      provider,
      { grant_type: 'refresh_token', refresh_token: rotated.refresh },
      basicClient,
    );
    assert.equal(rotation.status, 200);
    assert.deepEqual((await introspect({ token: rotated.refresh })).body, { active: false });

    const revoked = await userTokens();
    await provider.models.destroy('Grant', revoked.grantId);
    assert.deepEqual((await introspect({ token: revoked.access })).body, { active: false });

    const expiring = await userTokens();
    clock.advance((provider.config.ttl.accessToken + 1) * 1000);
    assert.deepEqual((await introspect({ token: expiring.access })).body, { active: false });
    assert.equal((await introspect({ token: expiring.refresh })).body.active, true, 'the refresh token lives on');
  });

  it('lets a client introspect its own tokens only, unless the token is meant for it (policy.test.ts)', async () => {
    const own = await userTokens('public', {});
    const other = await userTokens();
    const asPublic = (token: string) => introspect({ token, client_id: 'public' }, {});
    assert.equal((await asPublic(own.access)).body.active, true);
    assert.deepEqual((await asPublic(other.access)).body, { active: false });
    const asPost = await introspect({ token: own.access, client_id: 'post', client_secret: 'post-secret' }, {});
    assert.deepEqual(asPost.body, { active: false });
  });

  it('requires client authentication (401 invalid_client, Basic challenge) and emits introspection.error', async () => {
    const errors: OIDCError[] = [];
    const listener = (_ctx: RequestContext, error: OIDCError) => errors.push(error);
    provider.events.on('introspection.error', listener);
    try {
      const { access } = await userTokens();
      const none = await introspect({ token: access }, {});
      assert.equal(none.status, 401);
      assert.equal(none.body.error, 'invalid_client');
      const wrong = await introspect({ token: access }, { authorization: basicAuth('basic', `${basicSecret}x`) });
      assert.equal(wrong.status, 401);
      assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic/);
      assert.equal(wrong.headers.get('cache-control'), 'no-store');
      const missing = await introspect({});
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error, 'invalid_request');
      const twice = await fetch(`${provider.issuer}/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...basicClient },
        body: `token=${access}&token=${access}`,
      });
      assert.equal(twice.status, 400);
      const jwt = await introspect({ token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' });
      assert.equal(jwt.status, 400);
      assert.equal(jwt.body.error, 'unsupported_token_type');
      const json = await fetch(`${provider.issuer}/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...basicClient },
        body: JSON.stringify({ token: access }),
      });
      assert.equal(json.status, 400);
      assert.deepEqual(
        errors.map((e) => e.error),
        [
          'invalid_client',
          'invalid_client',
          'invalid_request',
          'invalid_request',
          'unsupported_token_type',
          'invalid_request',
        ],
      );
    } finally {
      provider.events.off('introspection.error', listener);
    }
    assert.equal(provider.seen.filter((e) => e.name === 'server_error').length, 0);
  });
});

describe('introspection disabled (default)', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider();
  });
  after(() => provider.stop());

  it('is neither served nor advertised', async () => {
    const metadata = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(metadata.introspection_endpoint, undefined);
    assert.equal(metadata.revocation_endpoint, undefined);
    const response = await fetch(`${provider.issuer}/introspect`, { method: 'POST', headers: basicClient });
    assert.equal(response.status, 404);
  });
});
