import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Session } from '../../provider/models/types.ts';
import { authorizeClient, loggedIn } from '../../provider/sessions/session.ts';
import { opaqueTokenId } from '../../provider/tokens/opaque.ts';
import { BrowserlessClient, browserlessLogin, formOf, isPage } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, pkce, startFrontChannelProvider } from '../authorization/fixtures.ts';

describe('session values', () => {
  const login = { accountId: 'a', loginTs: 100, amr: ['pwd'] };

  it('rotates the id on every login, keeps the uid and clients for the same account only', () => {
    const first = loggedIn(undefined, login, 100, 1000);
    assert.equal(first.session.jti, opaqueTokenId(first.cookieValue), 'stored under the hash of the cookie value');
    assert.equal(first.session.exp, 1100);
    const { sid } = authorizeClient(first.session, { clientId: 'web' }, 'grant-1');
    const again = loggedIn(first.session, { ...login, loginTs: 200 }, 200, 1000);
    assert.notEqual(again.session.jti, first.session.jti);
    assert.equal(again.session.uid, first.session.uid);
    assert.equal(again.session.loginTs, 200);
    assert.equal(authorizeClient(again.session, { clientId: 'web' }, 'grant-2').sid, sid, 'sid is stable per client');
    const other = loggedIn(again.session, { accountId: 'b', loginTs: 300 }, 300, 1000);
    assert.notEqual(other.session.uid, first.session.uid);
    assert.deepEqual(other.session.authorizations, {});
    assert.equal(other.session.amr, undefined);
  });
});

describe('session cookie over HTTP', () => {
  let provider: TestProvider;
  let saved: Session[];
  before(async () => {
    provider = await startFrontChannelProvider();
    saved = [];
    provider.events.on('session.saved', (session) => saved.push(session));
  });
  after(() => provider.stop());

  it('is HttpOnly, SameSite=Lax, not Secure on a loopback http issuer, and finds a stored session', async () => {
    const browser = new BrowserlessClient(provider.issuer);
    const page = await browser.get(authorizationUrl(provider));
    assert.ok(isPage(page));
    const response = await fetch(formOf(page, '/login').action, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: browser.jar.header(formOf(page, '/login').action),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ ...formOf(page, '/login').hidden, username: 'alice', password: passwords.alice }),
    });
    // The login goes on at once (to the consent page): its answer sets the session cookie.
    assert.equal(response.status, 303);
    const sessionCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('kubeoidc.session='));
    assert.ok(sessionCookie);
    assert.match(sessionCookie, /; Path=\/; /);
    assert.match(sessionCookie, /; HttpOnly/);
    assert.match(sessionCookie, /; SameSite=Lax/);
    assert.doesNotMatch(sessionCookie, /Secure/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(sessionCookie)?.[1]);
    assert.ok(Math.abs(maxAge - provider.config.ttl.session) <= 1, String(maxAge));
    const value = /^kubeoidc\.session=([^.;]+)\./.exec(sessionCookie)?.[1] ?? '';
    const sessions = provider.storage.adapter('Session');
    assert.equal(await sessions.find(value), undefined, 'the cookie value itself is not a storage key');
    const stored = await sessions.find(opaqueTokenId(value));
    assert.equal(stored?.accountId, 'sub-alice');
    assert.equal(saved.at(-1)?.uid, stored.uid);
  });

  it('ignores a forged cookie and stops working once a new login rotates it', async () => {
    const browser = new BrowserlessClient(provider.issuer);
    await browserlessLogin(authorizationUrl(provider), {
      username: 'alice',
      password: passwords.alice,
      client: browser,
    });
    const original = browser.jar.get('kubeoidc.session');
    assert.ok(original);
    const silent = async (cookie: string | undefined) => {
      browser.jar.set('kubeoidc.session', cookie);
      const step = await browser.get(authorizationUrl(provider, { prompt: 'none' }));
      assert.ok(!isPage(step));
      return step.params;
    };
    assert.ok((await silent(original)).get('code'));
    const forged = original.replace(/^[^.]/, (first) => (first === 'A' ? 'B' : 'A'));
    assert.equal((await silent(forged)).get('error'), 'login_required');

    browser.jar.set('kubeoidc.session', original);
    const page = await browser.get(authorizationUrl(provider, { prompt: 'login' }));
    assert.ok(isPage(page));
    await browser.submit(formOf(page, '/login'), { username: 'alice', password: passwords.alice });
    const rotated = browser.jar.get('kubeoidc.session');
    assert.ok(rotated && rotated !== original);
    assert.ok((await silent(rotated)).get('code'));
    assert.equal((await silent(original)).get('error'), 'login_required', 'the pre-login id is dead');
  });

  it('gives each client its own sid in the session, stable across its authorizations', async () => {
    const browser = new BrowserlessClient(provider.issuer);
    const login = (params: Record<string, string>) =>
      browserlessLogin(authorizationUrl(provider, params), {
        username: 'alice',
        password: passwords.alice,
        client: browser,
      });
    await login({});
    await login({});
    await login({ client_id: 'spa', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    const last = saved.at(-1);
    assert.ok(last);
    const { web, spa } = last.authorizations as Partial<Session['authorizations']>;
    assert.ok(web && spa);
    assert.notEqual(web.sid, spa.sid);
    const firstWeb = saved.find((session) => session.uid === last.uid && Object.hasOwn(session.authorizations, 'web'))
      ?.authorizations.web;
    assert.equal(firstWeb?.sid, web.sid);
  });
});
