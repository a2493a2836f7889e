import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { staticTokenHash } from '../../provider/registration/initial-access-token.ts';
import { redirectUri, startBackChannelProvider, type BackChannelProvider } from '../token/fixtures.ts';
import { signIn } from './relying-party.ts';

/**
 * User story: the operator registers a client through the provider's own RFC 7591 endpoint with its initial access
 * token (static, by hash, allowed to choose the client_id); an application built on openid-client then uses the
 * registered credentials — discovery, client credentials, a user sign-in with PKCE through the real login and consent
 * pages, refresh — and introspects (RFC 7662) and revokes (RFC 7009) its tokens with openid-client's own calls.
 * Deleting the registration (RFC 7592) ends the client and its tokens, also when the id is registered again.
 */

const initialAccessToken = 'operator-iat-0123456789abcdefghijklmnopqrstuv';
const alice = { username: 'alice', password: 'alice-password' };

describe('a client registered through /register, used by openid-client', () => {
  let provider: BackChannelProvider;
  let registered: Record<string, unknown>;
  let config: client.Configuration;

  const register = async (clientId: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${provider.issuer}/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${initialAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: clientId,
        client_name: 'Registered app',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        scope: 'openid profile email offline_access',
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    });
    assert.equal(response.status, 201);
    return (await response.json()) as Record<string, unknown>;
  };
  const discover = (clientId: string, secret: string): Promise<client.Configuration> =>
    client.discovery(
      new URL(provider.issuer),
      clientId,
      { redirect_uris: [redirectUri] },
      client.ClientSecretBasic(secret),
      // The test issuer is plain http on loopback, which is exactly what this opt-in is for.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      { execute: [client.allowInsecureRequests] },
    );

  before(async () => {
    provider = await startBackChannelProvider({
      features: {
        registration: {
          enabled: true,
          initialAccessToken: true,
          initialAccessTokens: [{ sha256: staticTokenHash(initialAccessToken), policies: ['client_id'] }],
        },
        introspection: { enabled: true },
        revocation: { enabled: true },
      },
    });
    registered = await register('team-a.grafana');
    config = await discover('team-a.grafana', registered.client_secret as string);
  });
  after(() => provider.stop());

  it('discovers every management endpoint', () => {
    const metadata = config.serverMetadata();
    assert.equal(metadata.registration_endpoint, `${provider.issuer}/register`);
    assert.equal(metadata.introspection_endpoint, `${provider.issuer}/introspect`);
    assert.equal(metadata.revocation_endpoint, `${provider.issuer}/revoke`);
  });

  it('gets a client-credentials token, introspects it, revokes it', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'profile' });
    const active = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(active.active, true);
    assert.equal(active.client_id, 'team-a.grafana');
    assert.equal(active.scope, 'profile');
    assert.equal(active.iss, provider.issuer);
    await client.tokenRevocation(config, tokens.access_token);
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false);
  });

  it('signs a user in, introspects the tokens, revokes the refresh token and with it the grant', async () => {
    const { tokens } = await signIn(config, alice);
    const refreshToken = tokens.refresh_token;
    assert.ok(refreshToken);
    const access = await client.tokenIntrospection(config, tokens.access_token, { token_type_hint: 'access_token' });
    assert.equal(access.active, true);
    assert.equal(access.sub, 'alice-sub');
    assert.equal(access.token_type, 'Bearer');
    assert.equal((await client.tokenIntrospection(config, refreshToken)).active, true);

    await client.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
    assert.equal((await client.tokenIntrospection(config, refreshToken)).active, false);
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false, 'same grant');
    await assert.rejects(client.refreshTokenGrant(config, refreshToken), (error: unknown) => {
      assert.equal((error as { error?: string }).error, 'invalid_grant');
      return true;
    });
  });

  it('ends the client and its tokens on RFC 7592 delete, also when the client_id is registered again', async () => {
    const { tokens } = await signIn(config, alice);
    const uri = registered.registration_client_uri as string;
    const rat = registered.registration_access_token as string;
    const deleted = await fetch(uri, { method: 'DELETE', headers: { authorization: `Bearer ${rat}` } });
    assert.equal(deleted.status, 204);
    await assert.rejects(client.clientCredentialsGrant(config), (error: unknown) => {
      // 401 invalid_client with a Basic challenge, which openid-client surfaces as the challenge.
      assert.equal((error as { status?: number }).status, 401);
      assert.equal((error as { cause?: { scheme: string }[] }).cause?.[0]?.scheme, 'basic');
      return true;
    });
    const userinfo = await fetch(`${provider.issuer}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 401);

    // The same id registered again is a new client: the old client's tokens stay dead.
    const again = await register('team-a.grafana');
    const renewed = await discover('team-a.grafana', again.client_secret as string);
    assert.equal((await client.tokenIntrospection(renewed, tokens.access_token)).active, false);
    assert.ok(tokens.refresh_token);
    await assert.rejects(client.refreshTokenGrant(renewed, tokens.refresh_token), (error: unknown) => {
      assert.equal((error as { error?: string }).error, 'invalid_grant');
      return true;
    });
    const fresh = await client.clientCredentialsGrant(renewed, { scope: 'profile' });
    assert.equal((await client.tokenIntrospection(renewed, fresh.access_token)).active, true);
    assert.equal(provider.seen.filter((e) => e.name === 'server_error').length, 0);
  });
});
