import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import type { AuthorizationCode, Interaction } from '../../provider/models/types.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { opaqueTokenId } from '../../provider/tokens/opaque.ts';
import { BrowserlessClient, browserlessLogin, formOf, isPage } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, pkce, recordEvents, redirectUri, startFrontChannelProvider } from './fixtures.ts';

/**
 * User stories of the front channel over real HTTP, with a clock the test moves: a returning user is not asked again,
 * `max_age` and `prompt=login` make them log in again, consent is remembered per grant and asked again for more, and
 * `id_token_hint` must name the logged-in user.
 */
describe('authorization with sessions and grants', () => {
  const clock = manualClock(Date.UTC(2026, 5, 1));
  let provider: TestProvider;
  let events: ReturnType<typeof recordEvents>;
  let browser: BrowserlessClient;
  before(async () => {
    provider = await startFrontChannelProvider({}, { clock });
    events = recordEvents(provider);
  });
  after(() => provider.stop());
  beforeEach(() => {
    browser = new BrowserlessClient(provider.issuer);
    events.length = 0;
  });

  const login = (params: Record<string, string> = {}, username: 'alice' | 'bob' = 'alice') =>
    browserlessLogin(authorizationUrl(provider, params), { username, password: passwords[username], client: browser });

  /** The first page a request stops at (or the response when it stops at none). */
  const visit = (params: Record<string, string>) => browser.get(authorizationUrl(provider, params));

  const interactionStarts = () =>
    events.filter((event) => event.name === 'interaction.started').map((event) => event.args[1]);

  it('issues a code that carries everything the token endpoint needs', async () => {
    const { challenge } = pkce();
    const { params } = await login({
      scope: 'openid profile',
      nonce: 'nonce-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      claims: '{"id_token":{"email":{"essential":true}}}',
    });
    const code = await provider.storage.adapter('AuthorizationCode').find(opaqueTokenId(params.get('code') ?? ''));
    assert.ok(code, 'stored under the hash of the value');
    const session = events.findLast((event) => event.name === 'session.saved')?.args[0] as {
      uid: string;
      authorizations: Partial<Record<string, { sid: string; grantId: string }>>;
    };
    const expected: Partial<AuthorizationCode> = {
      kind: 'AuthorizationCode',
      accountId: 'sub-alice',
      clientId: 'web',
      scope: 'openid profile',
      redirectUri,
      nonce: 'nonce-1',
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      claims: '{"id_token":{"email":{"essential":true}}}',
      authTime: Math.floor(clock.now() / 1000),
      amr: ['pwd'],
      sessionUid: session.uid,
      sid: session.authorizations.web?.sid,
      grantId: session.authorizations.web?.grantId,
    };
    for (const [field, value] of Object.entries(expected)) {
      assert.deepEqual(code[field as keyof AuthorizationCode], value, field);
    }
    assert.equal(code.exp - code.iat, provider.config.ttl.authorizationCode);
    const saved = events.find((event) => event.name === 'authorization_code.saved')?.args[0] as AuthorizationCode;
    assert.equal(saved.jti, code.jti);
    assert.deepEqual(
      interactionStarts().map((prompt) => (prompt as { name: string }).name),
      ['login', 'consent'],
    );
  });

  it('remembers consent per grant, asks again for new scopes and for prompt=consent', async () => {
    await login({ scope: 'openid profile' });
    events.length = 0;
    const again = await visit({ scope: 'openid profile', state: 'again' });
    assert.ok(!isPage(again), 'no page for a returning user asking for no more');
    assert.ok(again.params.get('code'));
    assert.deepEqual(interactionStarts(), []);

    const more = await visit({ scope: 'openid profile email' });
    assert.ok(isPage(more));
    assert.ok(formOf(more, '/consent'));
    assert.deepEqual(interactionStarts(), [{ name: 'consent', reasons: ['scopes_missing'] }]);
    assert.match(more.html, /See your email address/);
    const granted = await browser.submit(formOf(more, '/consent'), { accept: 'yes' });
    assert.ok(!isPage(granted) && granted.params.get('code'));

    const forced = await visit({ scope: 'openid', prompt: 'consent' });
    assert.ok(isPage(forced) && formOf(forced, '/consent'));
    const silent = await visit({ scope: 'openid profile email', prompt: 'none' });
    assert.ok(!isPage(silent) && silent.params.get('code'), 'the extended grant covers all three');
    const notGranted = await visit({ scope: 'openid offline_access', prompt: 'none' });
    assert.ok(!isPage(notGranted));
    assert.equal(notGranted.params.get('error'), 'consent_required');
  });

  it('sends access_denied to the client when the user denies', async () => {
    const response = await browserlessLogin(authorizationUrl(provider, { state: 'deny-me' }), {
      username: 'alice',
      password: passwords.alice,
      consent: 'deny',
      client: browser,
    });
    assert.equal(response.params.get('error'), 'access_denied');
    assert.equal(response.params.get('state'), 'deny-me');
    assert.equal(response.params.get('iss'), provider.issuer);
  });

  it('makes the user log in again past max_age and for prompt=login, keeping the session uid', async () => {
    await login();
    const firstSession = events.findLast((event) => event.name === 'session.saved')?.args[0] as { uid: string };
    clock.advance(10 * 60 * 1000);
    events.length = 0;
    const within = await visit({ max_age: '900' });
    assert.ok(!isPage(within), 'a 10-minute-old login satisfies max_age=900');
    const stale = await visit({ max_age: '300' });
    assert.ok(isPage(stale) && formOf(stale, '/login'), 'a 10-minute-old login is too old for max_age=300');
    assert.deepEqual(interactionStarts(), [{ name: 'login', reasons: ['max_age'] }]);
    const after = await browser.submit(formOf(stale, '/login'), { username: 'alice', password: passwords.alice });
    assert.ok(!isPage(after), 'consent is remembered, so the login completes the request');
    const code = await provider.storage
      .adapter('AuthorizationCode')
      .find(opaqueTokenId(after.params.get('code') ?? ''));
    assert.equal(code?.authTime, Math.floor(clock.now() / 1000), 'auth_time is the new login');
    const relogged = events.findLast((event) => event.name === 'session.saved')?.args[0] as { uid: string };
    assert.equal(relogged.uid, firstSession.uid);

    events.length = 0;
    const forced = await visit({ prompt: 'login' });
    assert.ok(isPage(forced) && formOf(forced, '/login'));
    assert.deepEqual(interactionStarts(), [{ name: 'login', reasons: ['login_prompt'] }]);
  });

  it('requires the id_token_hint subject to be the logged-in user, and refuses unsigned or HMAC hints', async () => {
    await login();
    const key = provider.keys.current.signingKey('RS256');
    assert.ok(key);
    const hint = (sub: string, aud = 'web') =>
      new SignJWT({ sub })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid })
        .setIssuer(provider.issuer)
        .setAudience(aud)
        .setIssuedAt(Math.floor(clock.now() / 1000) - 7200)
        .setExpirationTime(Math.floor(clock.now() / 1000) - 3600) // expired hints are fine
        .sign(key.privateKey);
    const same = await visit({ prompt: 'none', id_token_hint: await hint('sub-alice') });
    assert.ok(!isPage(same) && same.params.get('code'));
    const other = await visit({ prompt: 'none', id_token_hint: await hint('sub-bob') });
    assert.ok(!isPage(other));
    assert.equal(other.params.get('error'), 'login_required');
    const otherInteractive = await visit({ id_token_hint: await hint('sub-bob') });
    assert.ok(isPage(otherInteractive) && formOf(otherInteractive, '/login'));
    const wrongAudience = await visit({ id_token_hint: await hint('sub-alice', 'spa') });
    assert.ok(!isPage(wrongAudience));
    assert.equal(wrongAudience.params.get('error'), 'invalid_request');

    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: provider.issuer, sub: 'sub-alice', aud: 'web' }),
    ).toString('base64url')}.`;
    const hmac = await new SignJWT({ sub: 'sub-alice' })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setIssuer(provider.issuer)
      .setAudience('web')
      .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough'));
    for (const token of [unsigned, hmac, 'not-a-jwt']) {
      const refused = await visit({ id_token_hint: token });
      assert.ok(!isPage(refused));
      assert.equal(refused.params.get('error'), 'invalid_request');
      assert.equal(refused.params.get('error_description'), 'id_token_hint could not be validated');
    }
  });

  it('gives a different account its own session when another user logs in', async () => {
    await login();
    const alice = events.findLast((event) => event.name === 'session.saved')?.args[0] as { uid: string; jti: string };
    events.length = 0;
    const page = await visit({ prompt: 'login' });
    assert.ok(isPage(page));
    const consent = await browser.submit(formOf(page, '/login'), { username: 'bob', password: passwords.bob });
    assert.ok(isPage(consent) && formOf(consent, '/consent'), 'bob has not consented: a grant is per account');
    assert.match(consent.html, /Signed in as <strong>Bob Example<\/strong>/);
    const saved = events.filter((event) => event.name === 'session.saved').map((event) => event.args[0]);
    const bob = saved.at(0) as { uid: string; accountId: string };
    assert.equal(bob.accountId, 'sub-bob');
    assert.notEqual(bob.uid, alice.uid);
    const destroyed = events.find((event) => event.name === 'session.destroyed')?.args[0] as { jti: string };
    assert.equal(destroyed.jti, alice.jti, "alice's session record is gone");
  });

  it('keeps the interaction state in storage, bound to the browser that started it', async () => {
    const page = await visit({});
    assert.ok(isPage(page));
    const uid = page.url.pathname.split('/').at(-1) ?? '';
    const stored: Interaction | undefined = await provider.storage.adapter('Interaction').find(uid);
    assert.equal(stored?.clientId, 'web');
    assert.equal(stored.exp - stored.iat, provider.config.ttl.interaction);
    const stranger = await new BrowserlessClient(provider.issuer).get(page.url);
    assert.ok(isPage(stranger));
    assert.equal(stranger.status, 400, 'another browser cannot use the link');
    assert.match(stranger.html, /expired or was opened in another browser/);
    const resume = await new BrowserlessClient(provider.issuer).get(stored.returnTo);
    assert.ok(isPage(resume));
    assert.equal(resume.status, 400);
  });
});
