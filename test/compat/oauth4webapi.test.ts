/**
 * User story: a server-side app built on `oauth4webapi` (panva's low-level OAuth 2 / OpenID Connect client for every
 * JavaScript runtime) signs the demo user in to the demo client of `npm start`, refreshes, reads userinfo and logs
 * out. It authenticates with `client_secret_post` although `demo` is registered for `client_secret_basic` — the
 * library's choice, which kubeoidc accepts (docs/clients.md). Login and consent go through the provider's real pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { browserlessLogin, formOf, isPage, type BrowserlessClient } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { demoUser, startDemoProvider } from './demo-provider.ts';

// Nothing listens there: the browserless client stops at the first redirect that leaves the provider.
const redirectUri = 'http://127.0.0.1:9/callback';
const postLogoutRedirectUri = 'http://127.0.0.1:9/logged-out';

describe('oauth4webapi against the demo provider', () => {
  let provider: TestProvider;
  let as: oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: 'demo' };
  const auth = oauth.ClientSecretPost('demo-secret');
  // The test issuer is plain http on loopback, which is exactly what this option is for.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const insecure = { [oauth.allowInsecureRequests]: true };
  let tokens: oauth.TokenEndpointResponse;
  let sub: string;
  let browser: BrowserlessClient;

  before(async () => {
    provider = await startDemoProvider({ redirectUri, postLogoutRedirectUri });
    const issuer = new URL(provider.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  });
  after(() => provider.stop());

  it('logs in: authorization code with PKCE, nonce and state; the ID token validated', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint ?? '');
    for (const [name, value] of Object.entries({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid profile email offline_access',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      prompt: 'consent',
    })) {
      url.searchParams.set(name, value);
    }
    const response = await browserlessLogin(url, demoUser);
    browser = response.client;
    const params = oauth.validateAuthResponse(as, client, response.url, state);
    tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, verifier, insecure),
      { expectedNonce: nonce, requireIdToken: true },
    );
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    assert.ok(claims);
    sub = claims.sub;
    assert.equal(claims.iss, provider.issuer);
    assert.equal(typeof tokens.refresh_token, 'string');
  });

  it('refreshes (rotation: a new refresh token)', async () => {
    const previous = tokens.refresh_token ?? '';
    tokens = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, previous, insecure),
    );
    assert.notEqual(tokens.refresh_token, previous);
  });

  it('reads userinfo with the refreshed access token', async () => {
    const userinfo = await oauth.processUserInfoResponse(
      as,
      client,
      sub,
      await oauth.userInfoRequest(as, client, tokens.access_token, insecure),
    );
    assert.equal(userinfo.sub, sub);
    assert.equal(userinfo.email, 'demo@example.com');
  });

  it('logs out at the end_session_endpoint (id_token_hint) and lands on the post-logout redirect URI', async () => {
    const idToken = tokens.id_token ?? '';
    const url = new URL(as.end_session_endpoint ?? '');
    url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
    url.searchParams.set('state', 'bye');
    const page = await browser.get(url);
    assert.ok(isPage(page), 'the confirmation page');
    const done = await browser.submit(formOf(page, '/logout/confirm'), { logout: 'yes' });
    assert.ok(!isPage(done), 'redirected to the client');
    assert.equal(done.url.href, `${postLogoutRedirectUri}?state=bye`);
    // The browser's session is gone: a silent authorization now needs a login.
    const silent = new URL(as.authorization_endpoint ?? '');
    for (const [name, value] of Object.entries({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      prompt: 'none',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    })) {
      silent.searchParams.set(name, value);
    }
    const answer = await browser.get(silent);
    assert.ok(!isPage(answer));
    assert.equal(answer.params.get('error'), 'login_required');
  });
});
