/**
 * User story: a person signed in to the demo client signs out from it in a real browser (headless Chromium): the
 * client sends the browser to the end-session endpoint with the ID token as hint, a post-logout redirect URI and
 * `state`; the confirmation page asks, the person presses "Sign out" and lands back at the client with `state`. The
 * pages must work under their Content-Security-Policy — including `form-action` on the redirect that follows the
 * confirmation, which Chromium enforces — and screenshots go to `test-output/`.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNT_PASSWORD, devClients } from '../../provider/config/dev-defaults.ts';
import { chromiumMissing, cheapDemoAccount, launchChromium, screenshotDir, settleEach } from '../support/chromium.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

/** Escapes a value for an HTML attribute. */
const attribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The client: answers every page and records each URL the browser arrives at. `/post-logout?action=…&…` is a page
 * with a form that POSTs the other query parameters to `action` (an RP that sends its logout request by POST).
 */
async function startClient(): Promise<{ server: Server; origin: string; visits: URL[] }> {
  const visits: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    visits.push(url);
    let body = '<!doctype html><title>Client</title>';
    if (url.pathname === '/post-logout') {
      const inputs = [...url.searchParams]
        .filter(([name]) => name !== 'action')
        .map(([name, value]) => `<input type="hidden" name="${attribute(name)}" value="${attribute(value)}">`);
      const action = attribute(url.searchParams.get('action') ?? '');
      body += `<form method="post" action="${action}">${inputs.join('')}<button>Log out by POST</button></form>`;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${String(port)}`, visits };
}

/** The same server under another site: `localhost` instead of `127.0.0.1` (the provider's host). */
const crossSite = (origin: string): string => origin.replace('127.0.0.1', 'localhost');

describe('logout in a real browser', { skip: chromiumMissing }, () => {
  let provider: TestProvider;
  let rp: Awaited<ReturnType<typeof startClient>>;
  let browser: Browser;

  before(async () => {
    await mkdir(screenshotDir, { recursive: true });
    rp = await startClient();
    const [demo] = devClients;
    assert.ok(demo);
    provider = await startTestProvider({
      // As in the development default (whose demo client may use the device grant).
      features: { rpInitiatedLogout: { enabled: true }, deviceFlow: { enabled: true } },
      clients: [
        {
          ...demo,
          redirect_uris: [`${rp.origin}/callback`],
          post_logout_redirect_uris: [`${rp.origin}/signed-out`, `${crossSite(rp.origin)}/signed-out`],
        },
      ],
      accounts: { records: [await cheapDemoAccount()] },
    });
    browser = await launchChromium();
  });

  // Whatever `before` got to start is stopped, also when it failed half-way.
  after(() =>
    settleEach(
      () => browser.close(),
      () => provider.stop(),
      () => rp.server.close(),
    ),
  );

  /** Signs the demo user in on `page` and returns the ID token the client got. */
  async function signIn(page: Page): Promise<{ idToken: string; authorize: URL }> {
    const authorize = new URL('/authorize', provider.issuer);
    authorize.search = new URLSearchParams({
      client_id: 'demo',
      redirect_uri: `${rp.origin}/callback`,
      response_type: 'code',
      scope: 'openid profile',
    }).toString();
    await page.goto(authorize.href);
    await page.getByLabel('Username').fill('demo');
    await page.getByLabel('Password').fill(DEMO_ACCOUNT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((current) => current.href.startsWith(`${rp.origin}/callback`));
    const code = new URL(page.url()).searchParams.get('code') ?? '';
    const token = await fetch(new URL('/token', provider.issuer), {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('demo:demo-secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${rp.origin}/callback` }),
    });
    const { id_token: idToken } = (await token.json()) as { id_token: string };
    return { idToken, authorize };
  }

  it('signs in, then signs out from the confirmation page and returns to the client with state', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 760 }, locale: 'en-US' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
    });
    const { idToken, authorize } = await signIn(page);

    const logout = new URL('/logout', provider.issuer);
    logout.search = new URLSearchParams({
      id_token_hint: idToken,
      post_logout_redirect_uri: `${rp.origin}/signed-out`,
      state: 'browser-bye',
    }).toString();
    await page.goto(logout.href);
    await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
    assert.equal(await page.title(), 'Sign out?');
    assert.match((await page.locator('main').textContent()) ?? '', /Demo User \(demo\)/);
    await page.screenshot({ path: join(screenshotDir, 'logout-page.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((current) => current.href.startsWith(`${rp.origin}/signed-out`));
    assert.equal(new URL(page.url()).searchParams.get('state'), 'browser-bye');
    assert.deepEqual(violations, [], 'no Content-Security-Policy violation, also on the redirect after the form');

    // Signed out: the next authorization shows the login page again.
    await page.goto(authorize.href);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('signs out when the client sends the logout request as a cross-site form POST', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 760 }, locale: 'en-US' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
    });
    const { idToken, authorize } = await signIn(page);
    const rpPage = new URL('/post-logout', crossSite(rp.origin));
    rpPage.search = new URLSearchParams({
      action: `${provider.issuer}/logout`,
      id_token_hint: idToken,
      post_logout_redirect_uri: `${crossSite(rp.origin)}/signed-out`,
      state: 'posted-bye',
    }).toString();
    await page.goto(rpPage.href);
    await page.getByRole('button', { name: 'Log out by POST' }).click();
    // The session cookie (SameSite=Lax) did not come with the cross-site POST; the provider's resubmission brings it.
    await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((current) => current.href.startsWith(`${crossSite(rp.origin)}/signed-out`));
    assert.equal(new URL(page.url()).searchParams.get('state'), 'posted-bye');
    assert.deepEqual(violations, []);
    await page.goto(authorize.href);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('shows the signed-out page when no post-logout redirect URI is given', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 760 } });
    await page.goto(new URL('/logout', provider.issuer).href);
    await page.getByRole('heading', { name: 'You have been signed out' }).waitFor();
    await page.screenshot({ path: join(screenshotDir, 'signed-out-page.png'), fullPage: true });
    await page.close();
  });
});
