import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Interaction } from '../../provider/models/types.ts';
import { BrowserlessClient, formOf, isPage, type Page } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, startFrontChannelProvider } from '../authorization/fixtures.ts';

/** Opens a fresh sign-in in a fresh browser and returns the login page. */
async function loginPage(provider: TestProvider, params: Record<string, string> = {}) {
  const browser = new BrowserlessClient(provider.issuer);
  const page = await browser.get(authorizationUrl(provider, params));
  assert.ok(isPage(page) && page.status === 200, 'the login page');
  return { browser, page };
}

async function post(browser: BrowserlessClient, page: Page, fields: Record<string, string>): Promise<Page> {
  const step = await browser.submit(formOf(page, '/login'), fields);
  assert.ok(isPage(step), 'stays on a page');
  return step;
}

const text = (page: Page) =>
  page.html
    .replace(/<style[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('login page', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startFrontChannelProvider();
  });
  after(() => provider.stop());

  it('is an accessible, self-contained page under a strict CSP', async () => {
    const { page } = await loginPage(provider, { login_hint: 'alice' });
    const response = await fetch(page.url, { headers: { cookie: '' } });
    assert.equal(response.status, 400, 'no page without the browser binding');
    assert.match(page.html, /^<!doctype html>\s*<html lang="en">/);
    assert.match(page.html, /<title>Sign in to continue to Web &lt;App&gt; &amp; Co<\/title>/);
    assert.equal(page.html.match(/<h1>/g)?.length, 1);
    assert.match(page.html, /<label for="username">Username<\/label>/);
    assert.match(page.html, /<label for="password">Password<\/label>/);
    assert.match(page.html, /id="username"\s+name="username"\s+value="alice"/, 'login_hint prefills the username');
    assert.match(page.html, /autocomplete="current-password"/);
    assert.match(page.html, /name="password"[^>]*autofocus/, 'focus goes to the first empty field');
    assert.match(page.html, /<strong>Web &lt;App&gt; &amp; Co<\/strong>/, 'client name escaped');
    assert.doesNotMatch(page.html, /<script/, 'no script on the login page');
    assert.doesNotMatch(page.html, / style="/, 'no inline style attributes (CSP)');
  });

  it('says the same thing for a wrong password and an unknown user, and keeps the username only', async () => {
    const { browser, page } = await loginPage(provider);
    const wrong = await post(browser, page, { username: 'alice', password: 'not-her-password' });
    const unknown = await post(browser, page, { username: 'mallory', password: 'whatever' });
    for (const answer of [wrong, unknown]) {
      assert.equal(answer.status, 401);
      assert.match(
        answer.html,
        /<div class="alert" role="alert" id="login-error"><p>The username or password is incorrect\.<\/p><\/div>/,
      );
      assert.match(answer.html, /aria-describedby="login-error" aria-invalid="true"/);
      assert.doesNotMatch(answer.html, /not-her-password|whatever/, 'the password is never echoed');
    }
    assert.equal(text(wrong).replace('alice', 'X'), text(unknown).replace('mallory', 'X'));
    const empty = await post(browser, page, { username: 'alice', password: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.html, /Enter your username and password\./);
  });

  it('refuses a submission without the interaction CSRF token, or with another one', async () => {
    const { browser, page } = await loginPage(provider);
    const form = formOf(page, '/login');
    const uid = form.action.pathname.split('/').at(-2) ?? '';
    const missing = await browser.post(form.action, { username: 'alice', password: passwords.alice });
    assert.ok(isPage(missing));
    assert.equal(missing.status, 403);
    assert.match(missing.html, /The form could not be verified/);
    const other = await loginPage(provider);
    const foreignToken = formOf(other.page, '/login').hidden.csrf;
    const wrong = await browser.post(form.action, { csrf: foreignToken, username: 'alice', password: passwords.alice });
    assert.ok(isPage(wrong));
    assert.equal(wrong.status, 403);
    const stored: Interaction | undefined = await provider.storage.adapter('Interaction').find(uid);
    assert.equal(stored?.result, undefined, 'nothing was recorded');
    const right = await browser.submit(form, { username: 'alice', password: passwords.alice });
    assert.ok(isPage(right) && formOf(right, '/consent'), 'the real form still works');
  });

  it('cancels the sign-in with access_denied to the client', async () => {
    const { browser, page } = await loginPage(provider, { state: 'cancelled' });
    const step = await browser.submit(formOf(page, '/abort'), {});
    assert.ok(!isPage(step));
    assert.equal(step.params.get('error'), 'access_denied');
    assert.equal(step.params.get('state'), 'cancelled');
  });

  it('shows the consent page with the client name and the scopes in words', async () => {
    const { browser, page } = await loginPage(provider, { scope: 'openid profile email offline_access' });
    const consent = await post(browser, page, { username: 'alice', password: passwords.alice });
    assert.equal(consent.status, 200);
    assert.match(consent.html, /<strong>Web &lt;App&gt; &amp; Co<\/strong> would like to:/);
    assert.match(consent.html, /Signed in as <strong>Alice Example \(alice\)<\/strong>/);
    for (const words of ['Confirm who you are', 'See your basic profile', 'See your email address', 'Stay connected']) {
      assert.ok(consent.html.includes(words), words);
    }
    assert.match(consent.html, /<button type="submit" name="accept" value="yes">Allow<\/button>/);
    assert.match(consent.html, /<button type="submit" name="deny" value="yes" class="secondary">Deny<\/button>/);
    assert.match(consent.html, /returned to <strong>http:\/\/127\.0\.0\.1:9<\/strong>/);
    const wrongStep = await browser.post(formOf(consent, '/consent').action.href.replace('/consent', '/login'), {
      ...formOf(consent, '/consent').hidden,
      username: 'alice',
      password: passwords.alice,
    });
    assert.ok(isPage(wrongStep));
    assert.equal(wrongStep.status, 400, 'a consent step takes no password');
  });
});

describe('login rate limit', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startFrontChannelProvider();
  });
  after(() => provider.stop());

  it('blocks an account after 5 failures, even with the right password, without blocking others', async () => {
    const { browser, page } = await loginPage(provider);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      assert.equal(
        (await post(browser, page, { username: 'alice', password: `guess-${String(attempt)}` })).status,
        401,
      );
    }
    const blocked = await post(browser, page, { username: 'alice', password: passwords.alice });
    assert.equal(blocked.status, 429);
    assert.match(blocked.html, /Too many sign-in attempts\. Try again in 15 minutes\./);
    const caseVariant = await post(browser, page, { username: 'ALICE', password: passwords.alice });
    assert.equal(caseVariant.status, 429, 'the account key ignores case');
    const bob = await browser.submit(formOf(page, '/login'), { username: 'bob', password: passwords.bob });
    assert.ok(isPage(bob) && formOf(bob, '/consent'), 'another account from the same address still signs in');
  });

  it('does not count a form refused before its password is checked (its count, sent early, is given back)', async () => {
    const { browser, page } = await loginPage(provider);
    const form = formOf(page, '/login');
    // More than the account's limit of 5, each refused for its CSRF token or its interaction, never for the password.
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const answer = await browser.post(form.action, { csrf: 'forged', username: 'bob', password: 'guess' });
      assert.ok(isPage(answer) && answer.status === 403, `forged ${String(attempt)}`);
    }
    const unknown = new URL(form.action.href.replace(/\/interaction\/[^/]+\//, '/interaction/no-such-uid/'));
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const answer = await browser.post(unknown, { ...form.hidden, username: 'bob', password: 'guess' });
      assert.ok(isPage(answer) && answer.status === 400, `unknown ${String(attempt)}`);
    }
    const right = await browser.submit(form, { username: 'bob', password: passwords.bob });
    assert.ok(isPage(right) && formOf(right, '/consent'), 'bob was never counted: he signs in');
  });

  it('blocks an address after 20 failures across usernames', async () => {
    const { browser, page } = await loginPage(provider);
    // 5 failures for alice above count towards this address as well.
    for (let attempt = 0; attempt < 15; attempt += 1) {
      const answer = await post(browser, page, { username: `user-${String(attempt)}`, password: 'nope' });
      assert.equal(answer.status, 401, `attempt ${String(attempt)}`);
    }
    const blocked = await browser.submit(formOf(page, '/login'), { username: 'bob', password: passwords.bob });
    assert.ok(isPage(blocked));
    assert.equal(blocked.status, 429);
  });
});
