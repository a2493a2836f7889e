/**
 * User story: a single-page app built on `oidc-client-ts` (the most used browser OpenID Connect library) runs in a
 * real browser (headless Chromium) from its own origin and signs the demo user in to the public demo client
 * `demo-spa` of `npm start`: discovery and the JWK Set fetched cross-origin, login and consent on the provider's pages,
 * the code redeemed with PKCE from the browser, userinfo, a refresh with the rotated refresh token, and RP-initiated
 * logout back to the app. Each fetch the library makes crosses origins, so the provider's CORS answers are part of
 * what is tested.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../support/chromium.ts';
import type { TestProvider } from '../support/provider.ts';
import { demoUser, startDemoProvider } from './demo-provider.ts';

const libraryPath = resolve(
  import.meta.dirname,
  '../../node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js',
);

/** The app's one page: the library, and a UserManager for demo-spa; `/callback` completes the sign-in. */
function appPage(authority: string, origin: string, callback: boolean): string {
  const settings = {
    authority,
    client_id: 'demo-spa',
    redirect_uri: `${origin}/callback`,
    post_logout_redirect_uri: `${origin}/logged-out`,
    response_type: 'code',
    scope: 'openid profile email offline_access',
    loadUserInfo: true,
  };
  const complete = callback
    ? `mgr.signinRedirectCallback().then((user) => { window.signedIn = user.profile.sub; },
         (error) => { window.signInFailed = String(error); });`
    : '';
  return `<!doctype html><meta charset="utf-8"><title>SPA</title><script src="/oidc-client-ts.min.js"></script>
<script>
  window.mgr = new oidc.UserManager(Object.assign(${JSON.stringify(settings)}, {
    userStore: new oidc.WebStorageStateStore({ store: window.localStorage }),
  }));
  ${complete}
</script><p>app</p>`;
}

/** The app's static server on a loopback port of its own (another origin than the provider's). */
async function startApp(): Promise<{ server: Server; origin: string; setAuthority: (url: string) => void }> {
  const library = await readFile(libraryPath, 'utf8');
  let authority = '';
  let origin = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    if (path === '/oidc-client-ts.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(library);
    } else if (path === '/' || path === '/callback' || path === '/logged-out') {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(appPage(authority, origin, path === '/callback'));
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    server,
    origin,
    setAuthority: (url) => {
      authority = url;
    },
  };
}

describe('oidc-client-ts in a real browser against the demo provider', { skip: chromiumMissing }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let provider: TestProvider;
  let browser: Browser;
  let page: Page;
  const failures: string[] = [];

  before(async () => {
    app = await startApp();
    provider = await startDemoProvider({
      redirectUri: `${app.origin}/callback`,
      postLogoutRedirectUri: `${app.origin}/logged-out`,
    });
    app.setAuthority(provider.issuer);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    // A hang guard for a loaded machine, not a performance bound.
    page.setDefaultTimeout(120_000);
    // A cross-origin request the provider does not allow shows up as a console error; an error answer as a response.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        failures.push(message.text());
      }
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) {
        failures.push(`${String(response.status())} ${response.url()}`);
      }
    });
  });

  after(async () => {
    await browser.close().catch(() => undefined);
    await provider.stop();
    app.server.close();
  });

  it('signs in: redirect, login and consent on the provider, code redeemed with PKCE from the browser', async () => {
    await page.goto(`${app.origin}/`);
    // The library navigates away: started, not awaited, in the page.
    await page.evaluate(() => {
      void (globalThis as unknown as { mgr: { signinRedirect(): Promise<void> } }).mgr.signinRedirect();
    });
    await page.getByLabel('Username').waitFor();
    await page.getByLabel('Username').fill(demoUser.username);
    await page.getByLabel('Password').fill(demoUser.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${app.origin}/callback`));
    await page.waitForFunction(() => {
      const state = globalThis as unknown as { signedIn?: string; signInFailed?: string };
      return state.signedIn ?? state.signInFailed;
    });
    const outcome = await page.evaluate(() => {
      const state = globalThis as unknown as { signedIn?: string; signInFailed?: string };
      return { sub: state.signedIn, failed: state.signInFailed };
    });
    assert.deepEqual(outcome, { sub: 'demo-0001', failed: undefined });
    assert.deepEqual(failures, []);
  });

  it('has the user with userinfo claims and a refresh token', async () => {
    const user = await page.evaluate(async () => {
      const mgr = (globalThis as unknown as { mgr: { getUser(): Promise<Record<string, unknown> | null> } }).mgr;
      const current = await mgr.getUser();
      const profile = current?.profile as Record<string, unknown> | undefined;
      return { email: profile?.email, name: profile?.name, refresh: typeof current?.refresh_token };
    });
    assert.deepEqual(user, { email: 'demo@example.com', name: 'Demo User', refresh: 'string' });
  });

  it('refreshes with the rotated refresh token (signinSilent) and calls userinfo with the new access token', async () => {
    const result = await page.evaluate(async (issuer) => {
      type User = { access_token: string; refresh_token?: string };
      const mgr = (globalThis as unknown as { mgr: { getUser(): Promise<User>; signinSilent(): Promise<User> } }).mgr;
      const before = await mgr.getUser();
      const after = await mgr.signinSilent();
      const userinfo = await fetch(`${issuer}/userinfo`, {
        headers: { authorization: `Bearer ${after.access_token}` },
      });
      return {
        newAccess: after.access_token !== before.access_token,
        rotated: after.refresh_token !== before.refresh_token,
        userinfo: ((await userinfo.json()) as { sub?: string }).sub,
      };
    }, provider.issuer);
    assert.deepEqual(result, { newAccess: true, rotated: true, userinfo: 'demo-0001' });
    assert.deepEqual(failures, []);
  });

  it('logs out: the end-session page, then back to the app', async () => {
    await page.evaluate(() => {
      void (globalThis as unknown as { mgr: { signoutRedirect(): Promise<void> } }).mgr.signoutRedirect();
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${app.origin}/logged-out`));
    assert.deepEqual(failures, []);
  });
});
