import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pkce, redirectUri, seedCode, startBackChannelProvider, type BackChannelProvider } from './fixtures.ts';

describe('CORS for browser-based public clients', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider();
  });
  after(() => provider.stop());
  const origin = 'http://127.0.0.1:8080';

  it('a single-page app redeems its code and reads userinfo from its own origin, without credentials', async () => {
    for (const [path, method] of [
      ['/token', 'POST'],
      ['/userinfo', 'GET'],
    ] as const) {
      const preflight = await fetch(`${provider.issuer}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
      assert.match(String(preflight.headers.get('access-control-allow-methods')), new RegExp(method));
      assert.match(String(preflight.headers.get('access-control-allow-headers')), /Authorization/);
      assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
    }
    const { verifier, challenge } = pkce();
    const { code } = await seedCode(provider, { clientId: 'public', codeChallenge: challenge });
    const token = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: redirectUri,
        client_id: 'public',
      }),
    });
    assert.equal(token.status, 200);
    assert.equal(token.headers.get('access-control-allow-origin'), '*');
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const info = await fetch(`${provider.issuer}/userinfo`, {
      headers: { origin, authorization: `Bearer ${accessToken}` },
    });
    assert.equal(info.status, 200);
    assert.equal(info.headers.get('access-control-allow-origin'), '*');
    const denied = await fetch(`${provider.issuer}/userinfo`, { headers: { origin } });
    assert.equal(denied.headers.get('access-control-expose-headers'), 'WWW-Authenticate', 'errors readable');
  });
});
