/**
 * User story: a person signed in to the demo client signs out from it in a real browser (headless Chromium): the
 * client sends the browser to the end-session endpoint with the ID token as hint, a post-logout redirect URI and
 * `state`; the confirmation page asks, the person presses "Sign out" and lands back at the client with `state`. The
 * pages must work under their Content-Security-Policy — including `form-action` on the redirect that follows the
 * confirmation, which Chromium enforces — and screenshots go to `test-output/`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { hashPassword } from '../../provider/accounts/password.ts';
import { DEMO_ACCOUNT_PASSWORD, demoAccount, devClients } from '../../provider/config/dev-defaults.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

const executablePath = '/usr/bin/chromium';
const chromiumMissing = existsSync(executablePath)
  ? false
  : `no Chromium at ${executablePath} (apt-get install chromium)`;
const outputDir = join(import.meta.dirname, '..', '..', 'test-output');

/** The client: answers every page, records each URL the browser arrives at. */
async function startClient(): Promise<{ server: Server; origin: string; visits: URL[] }> {
  const visits: URL[] = [];
  const server = createServer((req, res) => {
    visits.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Client</title>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${String(port)}`, visits };
}

describe('logout in a real browser', { skip: chromiumMissing }, () => {
  let provider: TestProvider;
  let rp: Awaited<ReturnType<typeof startClient>>;
  let browser: Browser;

  before(async () => {
    await mkdir(outputDir, { recursive: true });
    rp = await startClient();
    const [demo] = devClients;
    assert.ok(demo);
    provider = await startTestProvider({
      features: { rpInitiatedLogout: { enabled: true } },
      clients: [
        { ...demo, redirect_uris: [`${rp.origin}/callback`], post_logout_redirect_uris: [`${rp.origin}/signed-out`] },
      ],
      accounts: { records: [demoAccount(await hashPassword(DEMO_ACCOUNT_PASSWORD, { N: 2 ** 12, r: 8, p: 1 }))] },
    });
    browser = await chromium.launch({
      executablePath,
      args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });

  after(async () => {
    await browser.close().catch(() => undefined);
    await provider.stop();
    rp.server.close();
  });

  it('signs in, then signs out from the confirmation page and returns to the client with state', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 760 }, locale: 'en-US' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
    });
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
    await page.screenshot({ path: join(outputDir, 'logout-page.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((current) => current.href.startsWith(`${rp.origin}/signed-out`));
    assert.equal(new URL(page.url()).searchParams.get('state'), 'browser-bye');
    assert.deepEqual(violations, [], 'no Content-Security-Policy violation, also on the redirect after the form');

    // Signed out: the next authorization shows the login page again.
    await page.goto(authorize.href);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('shows the signed-out page when no post-logout redirect URI is given', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 760 } });
    await page.goto(new URL('/logout', provider.issuer).href);
    await page.getByRole('heading', { name: 'You have been signed out' }).waitFor();
    await page.screenshot({ path: join(outputDir, 'signed-out-page.png'), fullPage: true });
    await page.close();
  });
});
