import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BrowserlessClient, formOf, isPage, type Page } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, startFrontChannelProvider } from '../authorization/fixtures.ts';

/**
 * The consent page names the account of the session its interaction was started for. It finds that session through
 * the browser's session cookie (one storage read) only when the cookie's session carries the interaction's session
 * uid; otherwise — no cookie, or another browser's session planted in the cookie — it finds it by uid, so it never
 * shows, or consents for, another account than the one that signed in.
 */

const session = 'kubeoidc.session';

async function consentPage(provider: TestProvider, username: 'alice' | 'bob') {
  const browser = new BrowserlessClient(provider.issuer);
  const login = await browser.get(authorizationUrl(provider, { prompt: 'consent' }));
  assert.ok(isPage(login) && login.status === 200, 'the login page');
  const consent = await browser.submit(formOf(login, '/login'), { username, password: passwords[username] });
  assert.ok(isPage(consent) && consent.status === 200, 'the consent page');
  return { browser, consent };
}

async function reload(browser: BrowserlessClient, page: Page): Promise<Page> {
  const again = await browser.get(page.url);
  assert.ok(isPage(again));
  return again;
}

describe('consent page: the interaction session', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startFrontChannelProvider();
  });
  after(() => provider.stop());

  it('names the signed-in account through the session cookie', async () => {
    const { browser, consent } = await consentPage(provider, 'alice');
    assert.match(consent.html, /Alice Example/);
    assert.match((await reload(browser, consent)).html, /Alice Example/);
  });

  it('finds the session by uid when the browser sends no session cookie', async () => {
    const { browser, consent } = await consentPage(provider, 'alice');
    browser.jar.set(session, undefined);
    const again = await reload(browser, consent);
    assert.equal(again.status, 200);
    assert.match(again.html, /Alice Example/);
  });

  it("ignores another browser's session planted in the cookie", async () => {
    const alice = await consentPage(provider, 'alice');
    const bob = await consentPage(provider, 'bob');
    const bobs = bob.browser.jar.get(session);
    assert.ok(bobs);
    alice.browser.jar.set(session, bobs);
    const again = await reload(alice.browser, alice.consent);
    assert.equal(again.status, 200);
    assert.match(again.html, /Alice Example/);
    assert.doesNotMatch(again.html, /Bob Example/);
  });
});
