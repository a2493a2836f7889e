/**
 * User story: a person signs in to the demo client in a real browser (headless Chromium) — login page, consent page,
 * back to the client with a code, which the client exchanges for tokens. Screenshots of the pages go to
 * `test-output/` (git-ignored) for a human to look at. The pages must work under their Content-Security-Policy:
 * any CSP violation the browser reports fails the test.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_ACCOUNT_PASSWORD, devClients } from '../../provider/config/dev-defaults.ts';
import { pkce } from '../authorization/fixtures.ts';
import { chromiumMissing, cheapDemoAccount, launchChromium, screenshotDir, settleEach } from '../support/chromium.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

/** A client's callback endpoint on a free loopback port: records what the provider sends back. */
async function startCallbackServer(): Promise<{ server: Server; url: string; received: Promise<URL> }> {
  let deliver: (url: URL) => void = () => undefined;
  const received = new Promise<URL>((resolve) => {
    deliver = resolve;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><title>Client</title><p>Signed in.</p>');
    if (url.pathname === '/callback') deliver(url);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${String(port)}/callback`, received };
}

describe('login and consent in a real browser', { skip: chromiumMissing }, () => {
  let provider: TestProvider;
  let callback: Awaited<ReturnType<typeof startCallbackServer>>;
  let browser: Browser;

  before(async () => {
    await mkdir(screenshotDir, { recursive: true });
    callback = await startCallbackServer();
    // The demo client and account of the development default, with a redirect URI this test listens on.
    const [demo] = devClients;
    assert.ok(demo);
    provider = await startTestProvider({
      // As in the development default: its demo client may use the device grant.
      features: { deviceFlow: { enabled: true } },
      clients: [{ ...demo, redirect_uris: [callback.url] }],
      accounts: { records: [await cheapDemoAccount()] },
    });
    browser = await launchChromium();
  });

  // Whatever `before` got to start is stopped, also when it failed half-way.
  after(() =>
    settleEach(
      () => browser.close(),
      () => provider.stop(),
      () => callback.server.close(),
    ),
  );

  it('signs the demo user in to the demo client, which then redeems the code', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 760 }, locale: 'en-US' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
    });
    const { verifier, challenge } = pkce();
    const url = new URL('/authorize', provider.issuer);
    url.search = new URLSearchParams({
      client_id: 'demo',
      redirect_uri: callback.url,
      response_type: 'code',
      scope: 'openid profile email offline_access',
      state: 'browser-state',
      nonce: 'browser-nonce',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();

    await page.goto(url.href);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.title(), 'Sign in to continue to Demo confidential client');
    assert.equal(await page.locator(':focus').getAttribute('id'), 'username', 'focus starts on the username');
    await page.screenshot({ path: join(screenshotDir, 'login-page.png'), fullPage: true });

    await page.getByLabel('Username').fill('demo');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal((await page.getByRole('alert').textContent())?.trim(), 'The username or password is incorrect.');
    await page.screenshot({ path: join(screenshotDir, 'login-page-error.png'), fullPage: true });

    await page.getByLabel('Password').fill(DEMO_ACCOUNT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', /Demo confidential client would like to/);
    await page.screenshot({ path: join(screenshotDir, 'consent-page.png'), fullPage: true });

    await page.getByRole('button', { name: 'Allow' }).click();
    const returned = await callback.received;
    await page.waitForURL((current) => current.href.startsWith(callback.url));
    assert.equal(returned.searchParams.get('state'), 'browser-state');
    assert.equal(returned.searchParams.get('iss'), provider.issuer);
    const code = returned.searchParams.get('code');
    assert.ok(code);
    assert.deepEqual(violations, [], 'no Content-Security-Policy violation on any page');

    // The client's side of the story: the code it received is good for tokens.
    const token = await fetch(new URL('/token', provider.issuer), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('demo:demo-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callback.url,
        code_verifier: verifier,
      }),
    });
    const body = (await token.json()) as Record<string, unknown>;
    assert.equal(token.status, 200, JSON.stringify(body));
    assert.equal(typeof body.id_token, 'string');
    await context.close();
  });

  it('shows a request with an unregistered redirect_uri on a readable error page', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 760 } });
    const url = new URL('/authorize', provider.issuer);
    url.search = new URLSearchParams({
      client_id: 'demo',
      redirect_uri: 'https://attacker.example/callback',
      response_type: 'code',
      scope: 'openid',
    }).toString();
    const response = await page.goto(url.href);
    assert.equal(response?.status(), 400);
    assert.equal(new URL(page.url()).origin, provider.issuer, 'the browser stays at the provider');
    await page.getByRole('heading', { name: 'This sign-in request could not be completed' }).waitFor();
    await page.screenshot({ path: join(screenshotDir, 'error-page.png'), fullPage: true });
    await page.close();
  });
});
