import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startBackChannelProvider, type BackChannelProvider } from '../token/fixtures.ts';
import { discover, signIn, type AuthMethod } from './relying-party.ts';

/**
 * User story: a relying party built on openid-client (the certified library) signs users in against kubeoidc with
 * each of the five client authentication methods — discovery, authorization code with PKCE through the real login
 * and consent pages, ID token validated by openid-client (signature, nonce, iss/aud/exp), userinfo, refresh token
 * rotation, and client credentials.
 */

const methods: AuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
];
const alice = { username: 'alice', password: 'alice-password' };

/** OIDC Core §3.1.3.6 at_hash, computed independently (openid-client checks it only for hybrid responses). */
function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

describe('openid-client as relying party', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider();
  });
  after(() => provider.stop());

  it('discovers the provider (OIDC Discovery and RFC 8414)', async () => {
    const config = await discover(provider, 'client_secret_basic');
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, provider.issuer);
    assert.equal(metadata.token_endpoint, `${provider.issuer}/token`);
    assert.equal(metadata.userinfo_endpoint, `${provider.issuer}/userinfo`);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(new Set(metadata.token_endpoint_auth_methods_supported), new Set(methods));
    assert.ok(metadata.supportsPKCE());
    const rfc8414 = await (await fetch(`${provider.issuer}/.well-known/oauth-authorization-server`)).json();
    assert.deepEqual(rfc8414, await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json());
  });

  for (const method of methods) {
    describe(`with ${method}`, () => {
      let config: client.Configuration;
      before(async () => {
        config = await discover(provider, method);
      });

      it('signs a user in with PKCE through the login and consent forms; reads userinfo; refreshes with rotation', async () => {
        const { tokens, nonce } = await signIn(config, alice);
        const claims = tokens.claims();
        assert.ok(claims, 'ID token validated by openid-client');
        assert.equal(claims.sub, 'alice-sub');
        assert.equal(claims.nonce, nonce);
        assert.equal(claims.iss, provider.issuer);
        assert.equal(claims.aud, config.clientMetadata().client_id);
        assert.equal(typeof claims.auth_time, 'number');
        assert.equal(typeof claims.sid, 'string');
        assert.equal(claims.at_hash, atHash(tokens.access_token));
        assert.equal(tokens.token_type, 'bearer');
        assert.ok(tokens.refresh_token, 'offline_access granted with prompt=consent');

        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        assert.deepEqual(info, {
          sub: 'alice-sub',
          name: 'Alice Example',
          email: 'alice@example.com',
          email_verified: true,
        });

        const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
        assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'rotated');
        assert.equal(refreshed.claims()?.sub, 'alice-sub');
        assert.equal(refreshed.claims()?.auth_time, claims.auth_time, 'auth_time of the original authentication');
        const again = await client.fetchUserInfo(config, refreshed.access_token, claims.sub);
        assert.equal(again.email, 'alice@example.com');
        await assert.rejects(
          client.refreshTokenGrant(config, tokens.refresh_token),
          (error: unknown) => error instanceof client.ResponseBodyError && error.error === 'invalid_grant',
          'reusing the rotated refresh token fails',
        );
        await assert.rejects(
          client.fetchUserInfo(config, refreshed.access_token, claims.sub),
          (error: unknown) => error instanceof client.WWWAuthenticateChallengeError,
          'and revoked the grant',
        );
      });

      if (method === 'none') {
        it('is refused client_credentials: a public client cannot authenticate', async () => {
          await assert.rejects(
            client.clientCredentialsGrant(config, { scope: 'profile' }),
            (error: unknown) => error instanceof client.ResponseBodyError && error.error === 'unauthorized_client',
          );
        });
      } else {
        it('gets a client_credentials token', async () => {
          const tokens = await client.clientCredentialsGrant(config, { scope: 'profile email' });
          assert.equal(tokens.token_type, 'bearer');
          assert.equal(tokens.scope, 'profile email');
          assert.equal(tokens.expires_in, provider.config.ttl.clientCredentials);
          assert.equal(tokens.refresh_token, undefined);
          assert.equal(tokens.id_token, undefined);
        });
      }
    });
  }

  it('refuses the code a second time and revokes what the first exchange issued', async () => {
    const config = await discover(provider, 'client_secret_basic');
    const { tokens, code } = await signIn(config, alice);
    const replay = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('basic:' + encodeURIComponent('b@sic:secret+with%special ü')).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:8080/callback',
      }),
    });
    assert.equal(replay.status, 400);
    await assert.rejects(client.fetchUserInfo(config, tokens.access_token, 'alice-sub'));
  });
});
