/**
 * Attack: a client (or anyone holding one of its tokens) passes another provider-signed JWT as `id_token_hint` — an
 * RFC 9068 access token (`typ: at+jwt`, `aud` = the client, `sub` = the user) or a back-channel logout token. Both are
 * signed with the provider's keys, but neither is an ID token: the authorization endpoint and the end-session endpoint
 * must refuse them as they refuse a forged hint, and keep accepting real ID tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { signLogoutToken } from '../../provider/backchannel/logout-token.ts';
import { Client } from '../../provider/clients/client.ts';
import { metadataContext } from '../../provider/clients/client-store.ts';
import { validateClientMetadata } from '../../provider/clients/metadata.ts';
import { signJwtAccessToken } from '../../provider/tokens/jwt-access-token.ts';
import { systemClock } from '../../provider/time/clock.ts';
import { BrowserlessClient, browserlessLogin, isPage } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, startFrontChannelProvider } from './fixtures.ts';

describe('id_token_hint accepts only ID tokens', () => {
  let provider: TestProvider;
  let browser: BrowserlessClient;
  const tokens: Record<'idToken' | 'accessToken' | 'logoutToken', string> = {
    idToken: '',
    accessToken: '',
    logoutToken: '',
  };

  before(async () => {
    provider = await startFrontChannelProvider({ features: { rpInitiatedLogout: { enabled: true } } });
    browser = new BrowserlessClient(provider.issuer);
    await browserlessLogin(authorizationUrl(provider), {
      username: 'alice',
      password: passwords.alice,
      client: browser,
    });
    const deps = { config: provider.config, keys: provider.keys, clock: systemClock };
    ({ value: tokens.accessToken } = await signJwtAccessToken(
      { clientId: 'web', sub: 'sub-alice', scope: 'openid', aud: 'web', expiresIn: 600 },
      deps,
    ));
    const { metadata } = validateClientMetadata(
      { client_id: 'web', client_secret: 'web-secret-web-secret-web-secret', redirect_uris: ['http://127.0.0.1:9/cb'] },
      metadataContext(provider.config),
    );
    const web = new Client(metadata, {}, true);
    const now = Math.floor(Date.now() / 1000);
    tokens.logoutToken = await signLogoutToken(
      { issuer: provider.issuer, client: web, sub: 'sub-alice', sid: 'sid-1', now },
      provider.keys,
    );
    const key = provider.keys.current.signingKey('RS256');
    assert.ok(key);
    // Shaped exactly like the provider's own ID tokens (provider/tokens/id-token.ts).
    tokens.idToken = await new SignJWT({ auth_time: now - 60 })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(provider.issuer)
      .setSubject('sub-alice')
      .setAudience('web')
      .setIssuedAt(now - 60)
      .setExpirationTime(now + 3600)
      .sign(key.privateKey);
  });
  after(() => provider.stop());

  it('authorization endpoint: refuses an access token or a logout token as id_token_hint', async () => {
    const genuine = await browser.get(authorizationUrl(provider, { prompt: 'none', id_token_hint: tokens.idToken }));
    assert.ok(!isPage(genuine) && genuine.params.get('code'), 'a real ID token is still a valid hint');
    for (const kind of ['accessToken', 'logoutToken'] as const) {
      const answer = await browser.get(authorizationUrl(provider, { prompt: 'none', id_token_hint: tokens[kind] }));
      assert.ok(!isPage(answer), kind);
      assert.equal(answer.params.get('code'), null, `${kind}: no code`);
      assert.equal(answer.params.get('error'), 'invalid_request', kind);
      assert.equal(answer.params.get('error_description'), 'id_token_hint could not be validated');
    }
  });

  it('end-session endpoint: refuses an access token or a logout token as id_token_hint', async () => {
    const logoutUrl = (hint: string) => {
      const url = new URL('/logout', provider.issuer);
      url.searchParams.set('id_token_hint', hint);
      return url;
    };
    const genuine = await browser.get(logoutUrl(tokens.idToken));
    assert.ok(isPage(genuine) && genuine.status === 200, 'a real ID token is still a valid hint');
    for (const kind of ['accessToken', 'logoutToken'] as const) {
      const answer = await browser.get(logoutUrl(tokens[kind]));
      assert.ok(isPage(answer), kind);
      assert.equal(answer.status, 400, kind);
      assert.match(answer.html, /id_token_hint could not be validated/, kind);
    }
  });
});
