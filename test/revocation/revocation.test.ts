import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RequestContext } from '../../provider/events/context.ts';
import {
  basicAuth,
  basicClient,
  pkce,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  userinfo,
  type BackChannelProvider,
} from '../token/fixtures.ts';

/**
 * RFC 7009 token revocation against a real provider: client authentication required; an access token is revoked
 * alone; a refresh token takes its grant with it (`grant.revoked` with route `revocation`); client-credentials tokens;
 * 200 for unknown tokens; tokens of other clients left alone and answered exactly as unknown tokens, so revocation does
 * not reveal whether a token exists; `unsupported_token_type` for structured tokens; `revocation.error`.
 */

describe('token revocation (RFC 7009)', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider({
      features: { revocation: { enabled: true }, introspection: { enabled: true } },
    });
  });
  after(() => provider.stop());

  const revoke = async (
    params: Record<string, string>,
    headers: Record<string, string> = basicClient,
  ): Promise<{ status: number; text: string; body?: Record<string, unknown> }> => {
    const response = await fetch(`${provider.issuer}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params).toString(),
    });
    const text = await response.text();
    return { status: response.status, text, ...(text ? { body: JSON.parse(text) as Record<string, unknown> } : {}) };
  };
  const userTokens = async (
    clientId = 'basic',
    auth: Record<string, string> = basicClient,
  ): Promise<{ access: string; refresh: string; grantId: string }> => {
    const { verifier, challenge } = pkce();
    const { code, grantId } = await seedCode(provider, { clientId, codeChallenge: challenge });
    const { status, body } = await tokenRequest(
      provider,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        ...(clientId === 'public' ? { client_id: 'public' } : {}),
      },
      auth,
    );
    assert.equal(status, 200, JSON.stringify(body));
    return { access: body.access_token as string, refresh: body.refresh_token as string, grantId };
  };
  const seenSince = (mark: number, name: string) => provider.seen.slice(mark).filter((e) => e.name === name);

  it('is advertised in discovery', async () => {
    const metadata = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(metadata.revocation_endpoint, `${provider.issuer}/revoke`);
    assert.ok((metadata.revocation_endpoint_auth_methods_supported as string[]).includes('client_secret_basic'));
  });

  it('revokes an access token alone (200, empty body); the refresh token keeps working', async () => {
    const tokens = await userTokens();
    assert.equal((await userinfo(provider, tokens.access)).status, 200);
    const mark = provider.seen.length;
    const response = await revoke({ token: tokens.access, token_type_hint: 'access_token' });
    assert.equal(response.status, 200);
    assert.equal(response.text, '');
    assert.equal(seenSince(mark, 'access_token.destroyed').length, 1);
    assert.equal(seenSince(mark, 'grant.revoked').length, 0);
    assert.equal((await userinfo(provider, tokens.access)).status, 401);
    const refreshed = await tokenRequest(
      provider,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh },
      basicClient,
    );
    assert.equal(refreshed.status, 200);
  });

  it('revokes a refresh token with its whole grant (grant.revoked, route revocation), even with a wrong hint', async () => {
    const tokens = await userTokens();
    const sibling = await tokenRequest(
      provider,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh },
      basicClient,
    );
    const mark = provider.seen.length;
    const response = await revoke({ token: sibling.body.refresh_token as string, token_type_hint: 'access_token' });
    assert.equal(response.status, 200);
    const revoked = seenSince(mark, 'grant.revoked');
    assert.equal(revoked.length, 1);
    assert.equal((revoked[0]?.args[0] as RequestContext).oidc.route, 'revocation');
    assert.equal(revoked[0]?.args[1], tokens.grantId);
    assert.equal(seenSince(mark, 'refresh_token.destroyed').length, 1);
    assert.equal((await userinfo(provider, sibling.body.access_token as string)).status, 401);
    const reuse = await tokenRequest(
      provider,
      { grant_type: 'refresh_token', refresh_token: sibling.body.refresh_token as string },
      basicClient,
    );
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    assert.equal(await provider.models.find('Grant', tokens.grantId), undefined);
  });

  it('revokes a client-credentials token', async () => {
    const service = { authorization: basicAuth('service', 'service-secret') };
    const issued = await tokenRequest(provider, { grant_type: 'client_credentials' }, service);
    const mark = provider.seen.length;
    assert.equal((await revoke({ token: issued.body.access_token as string }, service)).status, 200);
    assert.equal(seenSince(mark, 'client_credentials.destroyed').length, 1);
    const introspected = await fetch(`${provider.issuer}/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...service },
      body: new URLSearchParams({ token: issued.body.access_token as string }).toString(),
    });
    assert.deepEqual(await introspected.json(), { active: false });
  });

  it('answers 200 for unknown and already revoked tokens', async () => {
    assert.equal((await revoke({ token: 'never-issued' })).status, 200);
    const tokens = await userTokens();
    assert.equal((await revoke({ token: tokens.access })).status, 200);
    assert.equal((await revoke({ token: tokens.access })).status, 200);
  });

  it('leaves another client’s token alone and answers as for an unknown token, confidential or public caller', async () => {
    const tokens = await userTokens();
    const mark = provider.seen.length;
    const asPost = (token: string) => revoke({ token, client_id: 'post', client_secret: 'post-secret' }, {});
    const other = await asPost(tokens.access);
    const unknown = await asPost('never-issued-token-value');
    assert.deepEqual(other, unknown, 'the same answer: the caller cannot tell the token exists');
    assert.deepEqual(other, { status: 200, text: '' });
    assert.equal(seenSince(mark, 'revocation.error').length, 0, 'no error event either');
    const publicCaller = await revoke({ token: tokens.access, client_id: 'public' }, {});
    assert.equal(publicCaller.status, 200);
    assert.equal((await userinfo(provider, tokens.access)).status, 200, 'still valid');
    // A public client revokes its own tokens.
    const own = await userTokens('public', {});
    assert.equal((await revoke({ token: own.refresh, client_id: 'public' }, {})).status, 200);
    assert.equal((await userinfo(provider, own.access)).status, 401);
  });

  it('requires client authentication and a token; refuses structured tokens; emits revocation.error', async () => {
    const mark = provider.seen.length;
    const tokens = await userTokens();
    const anonymous = await revoke({ token: tokens.access }, {});
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body?.error, 'invalid_client');
    const wrong = await revoke({ token: tokens.access }, { authorization: basicAuth('basic', 'wrong') });
    assert.equal(wrong.status, 401);
    const missing = await revoke({});
    assert.equal(missing.status, 400);
    assert.equal(missing.body?.error, 'invalid_request');
    const jwt = await revoke({ token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' });
    assert.equal(jwt.status, 400);
    assert.equal(jwt.body?.error, 'unsupported_token_type');
    assert.deepEqual(
      seenSince(mark, 'revocation.error').map((e) => (e.args[1] as { error: string }).error),
      ['invalid_client', 'invalid_client', 'invalid_request', 'unsupported_token_type'],
    );
    assert.equal((await userinfo(provider, tokens.access)).status, 200);
    assert.equal(provider.seen.filter((e) => e.name === 'server_error').length, 0);
  });
});
