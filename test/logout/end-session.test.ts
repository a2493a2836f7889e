import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import type { EventName } from '../../provider/events/events.ts';
import { eventNames } from '../../provider/events/events.ts';
import { cookieNames } from '../../provider/sessions/cookies.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { BrowserlessClient, formOf, formsOf, isPage, type Page } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import {
  postLogoutRedirectUri,
  relyingParty,
  signIn,
  silentAuthorizationUrl,
  startLogoutProvider,
  startReceiver,
  type Receiver,
} from './fixtures.ts';

/**
 * User stories of RP-initiated logout (OIDC RP-Initiated Logout 1.0) with back-channel logout, over real HTTP against
 * a real provider, a real relying-party library (openid-client) and a real back-channel receiver on loopback: the
 * user signs out from an application and is returned to it, the session is gone, every application of the session is
 * told by a verifiable logout token; unregistered return URIs, forged confirmations and unreachable receivers are
 * handled without harm; no token reaches a log line.
 */
describe('RP-initiated logout with back-channel notifications', () => {
  const clock = manualClock(Date.now());
  const lines: string[] = [];
  const seen: { name: EventName; args: unknown[] }[] = [];
  let receiver: Receiver;
  let provider: TestProvider;
  let browser: BrowserlessClient;
  before(async () => {
    receiver = await startReceiver();
    provider = await startLogoutProvider(
      receiver.url,
      { logLevel: 'trace' },
      { clock, logDestination: { write: (line: string) => void lines.push(line) } },
    );
    for (const name of eventNames) provider.events.on(name, (...args: unknown[]) => void seen.push({ name, args }));
  });
  after(async () => {
    await provider.stop();
    await receiver.close();
  });
  beforeEach(() => {
    browser = new BrowserlessClient(provider.issuer);
    seen.length = 0;
    receiver.received.length = 0;
  });

  const page = (step: Awaited<ReturnType<BrowserlessClient['get']>>): Page => {
    assert.ok(isPage(step), `expected a page, got a redirect to ${isPage(step) ? '' : step.url.href}`);
    return step;
  };
  const named = (name: EventName) => seen.filter((event) => event.name === name);

  it('advertises the end-session endpoint and back-channel logout in discovery', async () => {
    const config = await relyingParty(provider);
    const metadata = config.serverMetadata();
    assert.equal(metadata.end_session_endpoint, `${provider.issuer}/logout`);
    assert.equal(metadata.backchannel_logout_supported, true);
    assert.equal(metadata.backchannel_logout_session_supported, true);
  });

  it('signs out with id_token_hint, returns to the client with state, ends the session and notifies the client', async () => {
    const config = await relyingParty(provider);
    const tokens = await signIn(config, browser);
    const idToken = tokens.id_token ?? '';
    const { sid } = decodeJwt(idToken);
    assert.equal(typeof sid, 'string');
    seen.length = 0;

    const logoutUrl = client.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: postLogoutRedirectUri,
      state: 'bye-1',
    });
    const confirmation = page(await browser.get(logoutUrl));
    assert.equal(confirmation.status, 200);
    assert.match(confirmation.html, /<h1>Sign out\?<\/h1>/);
    assert.match(confirmation.html, /Alice Example \(alice\)/);
    assert.match(confirmation.html, /<button type="submit" name="logout" value="yes">Sign out<\/button>/);
    assert.match(confirmation.html, /Stay signed in/);
    assert.deepEqual(named('session.destroyed'), [], 'nothing ends before the user confirms');
    assert.equal(receiver.received.length, 0);

    const form = formOf(confirmation, '/logout/confirm');
    assert.ok(form.hidden.csrf);
    const answer = await browser.submit(form, { logout: 'yes' });
    assert.ok(!isPage(answer), 'redirected back to the client');
    assert.equal(answer.url.origin + answer.url.pathname, 'http://127.0.0.1:9/signed-out');
    assert.equal(answer.url.searchParams.get('from'), 'op', "the URI's own query is kept");
    assert.equal(answer.url.searchParams.get('state'), 'bye-1');
    assert.equal(browser.jar.get(cookieNames.session), undefined, 'session cookie cleared');

    // The session is gone: a silent authorization now needs a login.
    const silent = await browser.get(silentAuthorizationUrl(provider));
    assert.ok(!isPage(silent));
    assert.equal(silent.params.get('error'), 'login_required');

    // The grant (no offline_access) and its tokens are revoked.
    await assert.rejects(client.fetchUserInfo(config, tokens.access_token, 'sub-alice'));

    // The back-channel receiver got one valid logout token.
    assert.equal(receiver.received.length, 1);
    const delivery = receiver.received.at(0);
    assert.ok(delivery);
    assert.equal(delivery.contentType, 'application/x-www-form-urlencoded');
    const logoutToken = delivery.body.get('logout_token') ?? '';
    const jwks = createRemoteJWKSet(new URL(`${provider.issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(logoutToken, jwks, {
      issuer: provider.issuer,
      audience: 'web',
      typ: 'logout+jwt',
      currentDate: new Date(clock.now()),
    });
    assert.equal(protectedHeader.alg, decodeProtectedHeader(idToken).alg, "signed with the client's ID token alg");
    assert.equal(payload.sub, 'sub-alice');
    assert.equal(payload.sid, sid);
    assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
    assert.equal(payload.nonce, undefined);
    assert.equal(typeof payload.jti, 'string');
    assert.ok((payload.exp ?? 0) - (payload.iat ?? 0) <= 120, 'short-lived');

    // Events: back-channel first, then the grant, the session, and the success — with EVENTS.md's arguments.
    const order = seen
      .map((event) => event.name)
      .filter((name) =>
        ['backchannel.success', 'grant.revoked', 'session.destroyed', 'end_session.success'].includes(name),
      );
    assert.deepEqual(order.slice(0, 4), [
      'backchannel.success',
      'grant.revoked',
      'session.destroyed',
      'end_session.success',
    ]);
    const [ctx, eventClient, accountId, eventSid] = named('backchannel.success')[0]?.args ?? [];
    assert.equal((ctx as { oidc: { route: string } }).oidc.route, 'end_session');
    assert.equal((eventClient as { clientId: string }).clientId, 'web');
    assert.equal(accountId, 'sub-alice');
    assert.equal(eventSid, sid);
    const success = named('end_session.success')[0]?.args[0] as { oidc: { params: Record<string, string> } };
    assert.equal(success.oidc.params.id_token_hint, undefined, 'the hint is never in the event context');

    // No ID token, logout token or CSRF token in any log line.
    const log = lines.join('\n');
    for (const secret of [idToken, logoutToken, form.hidden.csrf, tokens.access_token]) {
      assert.ok(!log.includes(secret), 'a token reached the log');
    }
  });

  it('shows an error page and never redirects to an unregistered post_logout_redirect_uri', async () => {
    const config = await relyingParty(provider);
    const tokens = await signIn(config, browser);
    seen.length = 0;
    const logoutUrl = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: 'https://attacker.example/',
      state: 'x',
    });
    const response = await fetch(logoutUrl, { redirect: 'manual', headers: { cookie: browser.jar.header(logoutUrl) } });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    const html = await response.text();
    assert.match(html, /post_logout_redirect_uri not registered/);
    assert.ok(!html.includes('attacker.example'), 'the URI is not echoed as a link');
    assert.deepEqual(
      named('end_session.error').map((event) => (event.args[1] as { error: string }).error),
      ['invalid_request'],
    );
    assert.deepEqual(named('session.destroyed'), []);
    const silent = await browser.get(silentAuthorizationUrl(provider));
    assert.ok(!isPage(silent) && silent.params.get('code'), 'still signed in');
  });

  it('refuses a confirmation without the CSRF token, or with another session’s, and changes nothing', async () => {
    const config = await relyingParty(provider);
    await signIn(config, browser);
    const confirmation = page(await browser.get(client.buildEndSessionUrl(config, { client_id: 'web' })));
    const form = formOf(confirmation, '/logout/confirm');

    const other = new BrowserlessClient(provider.issuer);
    await signIn(config, other, 'openid', 'bob');
    const otherForm = formOf(page(await other.get(client.buildEndSessionUrl(config, {}))), '/logout/confirm');
    seen.length = 0;

    const missing = page(await browser.post(form.action, { logout: 'yes', client_id: 'web' }));
    assert.equal(missing.status, 400);
    assert.match(missing.html, /did not come from this browser/);
    const foreign = page(await browser.submit(form, { logout: 'yes', csrf: otherForm.hidden.csrf }));
    assert.equal(foreign.status, 400);
    assert.equal(named('end_session.error').length, 2);
    assert.deepEqual(named('session.destroyed'), []);
    assert.deepEqual(named('end_session.success'), []);
    const silent = await browser.get(silentAuthorizationUrl(provider));
    assert.ok(!isPage(silent) && silent.params.get('code'), 'still signed in');
  });

  it('completes the logout when a back-channel receiver is down, emitting backchannel.error', async () => {
    const web = await relyingParty(provider);
    const down = await relyingParty(provider, 'down', 'down-secret-down-secret-down-secret');
    const webTokens = await signIn(web, browser);
    await signIn(down, browser, 'openid');
    const webSid = decodeJwt(webTokens.id_token ?? '').sid;
    seen.length = 0;

    const confirmation = page(await browser.get(client.buildEndSessionUrl(web, {})));
    const done = page(await browser.submit(formOf(confirmation, '/logout/confirm'), { logout: 'yes' }));
    assert.equal(done.status, 200);
    assert.match(done.html, /You have been signed out/);

    const errors = named('backchannel.error');
    assert.equal(errors.length, 1);
    const [ctx, error, eventClient, accountId, sid] = errors[0]?.args ?? [];
    assert.equal((ctx as { oidc: { route: string } }).oidc.route, 'end_session');
    assert.ok(error instanceof Error);
    assert.equal((eventClient as { clientId: string }).clientId, 'down');
    assert.equal(accountId, 'sub-alice');
    assert.equal(typeof sid, 'string');
    assert.notEqual(sid, webSid, 'each client has its own sid');
    assert.equal(named('backchannel.success').length, 1, 'the reachable client was still notified');
    assert.equal(receiver.received.length, 1);
    assert.equal(named('session.destroyed').length, 1);
    assert.equal(named('end_session.success').length, 1);
    const silent = await browser.get(silentAuthorizationUrl(provider, 'down'));
    assert.ok(!isPage(silent));
    assert.equal(silent.params.get('error'), 'login_required');
  });

  it('keeps offline_access grants, and "Stay signed in" ends only the requesting client', async () => {
    const web = await relyingParty(provider);
    const tokens = await signIn(web, browser, 'openid offline_access');
    const down = await relyingParty(provider, 'down', 'down-secret-down-secret-down-secret');
    await signIn(down, browser, 'openid');
    seen.length = 0;

    // "Stay signed in" from `down`: only its part ends; `web` keeps its authorization.
    const stay = page(await browser.get(client.buildEndSessionUrl(down, {})));
    const kept = page(await browser.submit(formOf(stay, '/logout/confirm'), { stay: 'yes' }));
    assert.match(kept.html, /You are still signed in/);
    assert.deepEqual(named('session.destroyed'), []);
    assert.equal(named('grant.revoked').length, 1);
    const silentWeb = await browser.get(silentAuthorizationUrl(provider, 'web'));
    assert.ok(!isPage(silentWeb) && silentWeb.params.get('code'), 'web still authorized silently');

    // Full sign-out: the offline grant survives, so the refresh token still works.
    seen.length = 0;
    const confirmation = page(await browser.get(client.buildEndSessionUrl(web, {})));
    await browser.submit(formOf(confirmation, '/logout/confirm'), { logout: 'yes' });
    assert.equal(named('session.destroyed').length, 1);
    assert.deepEqual(named('grant.revoked'), [], 'the offline_access grant outlives the logout');
    const refreshed = await client.refreshTokenGrant(web, tokens.refresh_token ?? '');
    assert.ok(refreshed.access_token);
  });

  it('without a session, goes straight to the validated URI with state (nothing to confirm)', async () => {
    const url = new URL('/logout', provider.issuer);
    url.searchParams.set('client_id', 'spa');
    url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
    url.searchParams.set('state', 's-2');
    const response = await fetch(url, { redirect: 'manual' });
    assert.equal(response.status, 303);
    const location = new URL(response.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('state'), 's-2');
    assert.equal(named('end_session.success').length, 1);
  });

  it('accepts an expired id_token_hint, and refuses a forged or foreign one', async () => {
    const config = await relyingParty(provider);
    const tokens = await signIn(config, browser);
    const idToken = tokens.id_token ?? '';
    const forged = `${idToken.split('.').slice(0, 2).join('.')}.${Buffer.from('not a signature').toString('base64url')}`;
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${idToken.split('.')[1] ?? ''}.`;
    for (const hint of [forged, unsigned]) {
      const refused = page(await browser.get(client.buildEndSessionUrl(config, { id_token_hint: hint })));
      assert.equal(refused.status, 400);
      assert.match(refused.html, /id_token_hint could not be validated/);
    }
    const mismatch = page(
      await browser.get(client.buildEndSessionUrl(config, { id_token_hint: idToken, client_id: 'spa' })),
    );
    assert.match(mismatch.html, /client_id does not match the provided id_token_hint/);

    clock.advance((provider.config.ttl.idToken + 60) * 1000);
    const expired = page(
      await browser.get(
        client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri }),
      ),
    );
    assert.equal(expired.status, 200);
    assert.equal(formOf(expired, '/logout/confirm').hidden.post_logout_redirect_uri, postLogoutRedirectUri);
  });

  it('resubmits a form-POSTed logout from its own page, so the SameSite=Lax session cookie comes along', async () => {
    const config = await relyingParty(provider);
    const tokens = await signIn(config, browser);
    const endpoint = new URL('/logout', provider.issuer);
    const fields = {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: postLogoutRedirectUri,
      state: 'posted',
    };
    // A cross-site POST carries no Lax cookie: the provider answers with a page that posts the same fields again.
    const crossSite = await fetch(endpoint, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
    assert.equal(crossSite.status, 200);
    const html = await crossSite.text();
    assert.match(crossSite.headers.get('content-security-policy') ?? '', /script-src 'nonce-/);
    assert.match(html, new RegExp(`<form method="post" action="${provider.issuer}/logout" id="response">`));
    const resubmit = formsOf({ url: endpoint, status: 200, html }).find((form) => form.id === 'response');
    assert.ok(resubmit);
    assert.equal(resubmit.hidden.resubmitted, 'yes');
    assert.equal(resubmit.hidden.state, 'posted');
    assert.equal(resubmit.hidden.id_token_hint, fields.id_token_hint);
    // Posted again from our own page, same-site, so with the cookie: the confirmation page.
    const confirmation = page(await browser.submit(resubmit, {}));
    assert.match(confirmation.html, /<h1>Sign out\?<\/h1>/);
    const answer = await browser.submit(formOf(confirmation, '/logout/confirm'), { logout: 'yes' });
    assert.ok(!isPage(answer));
    assert.equal(answer.url.searchParams.get('state'), 'posted');
    // Resubmitted and still no session (the user really was signed out): no loop, straight back.
    const again = await fetch(endpoint, {
      method: 'POST',
      body: new URLSearchParams({ ...fields, resubmitted: 'yes' }),
      redirect: 'manual',
    });
    assert.equal(again.status, 303);
  });
});
