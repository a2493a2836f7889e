import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { browserlessLogin } from '../support/browserless-login.ts';
import { basicSecret, redirectUri, startBackChannelProvider, type BackChannelProvider } from '../token/fixtures.ts';
import { discover } from './relying-party.ts';

/**
 * User story: a relying party built on openid-client, registered with `access_token_format: jwt`, asks for an access
 * token for its API with a resource indicator (RFC 8707) through the real login and consent pages. It gets a JWT
 * access token (RFC 9068) that the API verifies with nothing but the provider's published JWKS — signature, `typ`,
 * issuer and its own audience — and that userinfo refuses, as it is meant for the API (RFC 9068 §4), while a token
 * without a resource works there. Refreshing keeps the audience and refuses another resource; client_credentials
 * gets a JWT for the API whose subject is the client.
 */

const api = 'https://api.example.com/';
const alice = { username: 'alice', password: 'alice-password' };

describe('openid-client with a jwt-format client and resource indicators', () => {
  let provider: BackChannelProvider;
  let config: client.Configuration;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  before(async () => {
    provider = await startBackChannelProvider({
      clients: [
        {
          client_id: 'basic',
          client_secret: basicSecret,
          access_token_format: 'jwt',
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
          scope: 'openid profile email offline_access',
        },
      ],
      features: { jwtAccessTokens: { enabled: true }, resourceIndicators: { enabled: true } },
    });
    config = await discover(provider, 'client_secret_basic');
    jwks = createRemoteJWKSet(new URL(String(config.serverMetadata().jwks_uri)));
  });
  after(() => provider.stop());

  /** What the API does with a bearer token: RFC 9068 §4 validation against the provider's JWKS. */
  const apiVerifies = async (token: string) =>
    (await jwtVerify(token, jwks, { issuer: provider.issuer, audience: api, typ: 'at+jwt' })).payload;

  it('signs in with a resource; the API verifies the JWT access token; userinfo refuses it; refresh keeps the audience', async () => {
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      nonce,
      state,
      prompt: 'consent',
      resource: api,
    });
    const response = await browserlessLogin(url, alice);
    const tokens = await client.authorizationCodeGrant(
      config,
      response.url,
      { pkceCodeVerifier: codeVerifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true },
      { resource: api },
    );
    const payload = await apiVerifies(tokens.access_token);
    assert.equal(payload.sub, 'alice-sub');
    assert.equal(payload.client_id, 'basic');
    assert.equal(payload.scope, 'openid email offline_access');
    assert.equal(payload.auth_time, tokens.claims()?.auth_time);

    await assert.rejects(
      client.fetchUserInfo(config, tokens.access_token, 'alice-sub'),
      (error: unknown) =>
        error instanceof client.WWWAuthenticateChallengeError &&
        error.cause.some((challenge) => challenge.parameters.error === 'invalid_token'),
      'a token for the API is not meant for userinfo',
    );
    const plain = await browserlessLogin(
      client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid email',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
      }),
      { ...alice, client: response.client },
    );
    const withoutResource = await client.authorizationCodeGrant(config, plain.url, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
    });
    const info = await client.fetchUserInfo(config, withoutResource.access_token, 'alice-sub');
    assert.equal(info.email, 'alice@example.com');

    assert.ok(tokens.refresh_token);
    await assert.rejects(
      client.refreshTokenGrant(config, tokens.refresh_token, { resource: 'https://other.example.com/' }),
      (error: unknown) => error instanceof client.ResponseBodyError && error.error === 'invalid_target',
    );
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.equal((await apiVerifies(refreshed.access_token)).sub, 'alice-sub');
  });

  it('gets a client_credentials JWT for the API whose subject is the client', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'profile', resource: api });
    const payload = await apiVerifies(tokens.access_token);
    assert.equal(payload.sub, 'basic');
    assert.equal(payload.scope, 'profile');
  });
});
