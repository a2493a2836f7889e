import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { deviceCodeGrantType } from '../../provider/device/grant-type.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { BrowserlessClient } from '../support/browserless-login.ts';
import { startBackChannelProvider, type BackChannelProvider } from '../token/fixtures.ts';
import {
  approveInBrowser,
  authorizeDevice,
  enterUserCode,
  form,
  poll,
  startDeviceProvider,
  tvSecret,
} from './fixtures.ts';

/**
 * The device authorization grant (RFC 8628) end to end: a device asks for a code, the end-user enters it on the
 * user-code page, logs in and consents through the real forms, and the device polls the token endpoint — pending,
 * slow_down, then tokens once (with an ID token for `openid`); denied → access_denied; late → expired_token.
 */

describe('device flow', () => {
  const clock = manualClock(Date.now());
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startDeviceProvider({ clock });
  });
  after(() => provider.stop());

  it('is advertised in discovery with its grant type', async () => {
    const doc = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(doc.device_authorization_endpoint, `${provider.issuer}/device/authorize`);
    assert.ok((doc.grant_types_supported as string[]).includes(deviceCodeGrantType));
  });

  it('answers the device authorization request (RFC 8628 §3.2)', async () => {
    const from = provider.seen.length;
    const authorization = await authorizeDevice(provider);
    assert.match(authorization.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.match(authorization.device_code, /^[\w-]{43}$/);
    assert.equal(authorization.verification_uri, `${provider.issuer}/device`);
    assert.equal(
      authorization.verification_uri_complete,
      `${provider.issuer}/device?user_code=${authorization.user_code}`,
    );
    assert.equal(authorization.expires_in, provider.config.ttl.deviceCode);
    assert.equal(authorization.interval, 5);
    const saved = provider.seen.slice(from).find((event) => event.name === 'device_code.saved');
    const record = saved?.args[0] as { jti: string; userCode: string };
    assert.equal(record.userCode, authorization.user_code);
    assert.notEqual(record.jti, authorization.device_code, 'the device code is stored only as its hash');
    assert.ok(!JSON.stringify(record).includes(authorization.device_code));
  });

  it('pending, slow_down, approval through the user-code page, tokens once', async () => {
    const authorization = await authorizeDevice(provider);
    const polled = provider.seen.length;
    const first = await poll(provider, authorization.device_code);
    assert.equal(first.status, 400);
    assert.equal(first.body.error, 'authorization_pending');
    const fast = await poll(provider, authorization.device_code);
    assert.equal(fast.body.error, 'slow_down');
    clock.advance(5_000);
    assert.equal((await poll(provider, authorization.device_code)).body.error, 'authorization_pending');
    assert.ok(
      !provider.seen.slice(polled).some((event) => event.name === 'device_code.saved'),
      'polls never rewrite the DeviceCode (an approval saved meanwhile on another replica would be lost)',
    );

    const from = provider.seen.length;
    const done = await approveInBrowser(provider, authorization);
    assert.equal(done.status, 200);
    assert.match(done.html, /Your device is connected/);
    assert.match(done.html, /return to your device/);
    assert.ok(provider.seen.slice(from).some((event) => event.name === 'interaction.started'));

    clock.advance(5_000);
    const tokens = await poll(provider, authorization.device_code);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal(tokens.body.token_type, 'Bearer');
    assert.equal(typeof tokens.body.access_token, 'string');
    assert.equal(typeof tokens.body.refresh_token, 'string', 'offline_access granted');
    const idToken = decodeJwt(String(tokens.body.id_token));
    assert.equal(idToken.sub, 'alice-sub');
    assert.equal(idToken.aud, 'tv');
    assert.equal(typeof idToken.auth_time, 'number');
    assert.equal(typeof idToken.sid, 'string');
    const names = provider.seen.slice(from).map((event) => event.name);
    assert.ok(names.includes('device_code.consumed'));
    const saved = provider.seen.slice(from).find((event) => event.name === 'access_token.saved');
    assert.equal((saved?.args[0] as { gty: string }).gty, deviceCodeGrantType, 'tokens name their grant type');
    assert.ok(names.includes('grant.success'));

    const userinfo = await fetch(`${provider.issuer}/userinfo`, {
      headers: { authorization: `Bearer ${String(tokens.body.access_token)}` },
    });
    assert.equal(((await userinfo.json()) as { sub: string }).sub, 'alice-sub');

    clock.advance(5_000);
    const again = await poll(provider, authorization.device_code);
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant', 'consumed once');
    const revoked = await fetch(`${provider.issuer}/userinfo`, {
      headers: { authorization: `Bearer ${String(tokens.body.access_token)}` },
    });
    assert.equal(revoked.status, 401, 'a second redemption revokes what the first got');
  });

  it('deny on the consent page → access_denied for the device, and the code is gone', async () => {
    const authorization = await authorizeDevice(provider);
    const from = provider.seen.length;
    const done = await approveInBrowser(provider, authorization, { answer: 'deny' });
    assert.equal(done.status, 200);
    assert.match(done.html, /Device access denied/);
    clock.advance(5_000);
    const denied = await poll(provider, authorization.device_code);
    assert.equal(denied.body.error, 'access_denied');
    assert.ok(provider.seen.slice(from).some((event) => event.name === 'device_code.destroyed'));
    clock.advance(5_000);
    assert.equal((await poll(provider, authorization.device_code)).body.error, 'invalid_grant');
  });

  it('expired_token after ttl.deviceCode; the user code no longer works either', async () => {
    const authorization = await authorizeDevice(provider);
    clock.advance((provider.config.ttl.deviceCode + 1) * 1000);
    const late = await poll(provider, authorization.device_code);
    assert.equal(late.body.error, 'expired_token');
    const page = await enterUserCode(new BrowserlessClient(provider.issuer), provider, authorization.user_code);
    assert.equal(page.status, 400);
    assert.match(page.html, /not valid or has expired/);
  });

  it('a device code is bound to its client', async () => {
    const authorization = await authorizeDevice(provider);
    const basic = `Basic ${Buffer.from(`tv-secret:${tvSecret}`).toString('base64')}`;
    const foreign = await form(
      `${provider.issuer}/token`,
      { grant_type: deviceCodeGrantType, device_code: authorization.device_code },
      basic,
    );
    assert.equal(foreign.body.error, 'invalid_grant');
    clock.advance(5_000);
    assert.equal((await poll(provider, authorization.device_code)).body.error, 'authorization_pending');
  });

  it('a confidential client authenticates at /device/authorize; a client without the grant is refused', async () => {
    const basic = `Basic ${Buffer.from(`tv-secret:${tvSecret}`).toString('base64')}`;
    const ok = await form(`${provider.issuer}/device/authorize`, { scope: 'openid' }, basic);
    assert.equal(ok.status, 200);
    const wrong = await form(
      `${provider.issuer}/device/authorize`,
      { scope: 'openid' },
      `Basic ${Buffer.from('tv-secret:nope').toString('base64')}`,
    );
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    const web = await form(
      `${provider.issuer}/device/authorize`,
      { scope: 'openid' },
      `Basic ${Buffer.from('web:web-secret').toString('base64')}`,
    );
    assert.equal(web.body.error, 'unauthorized_client');
    const badScope = await form(`${provider.issuer}/device/authorize`, {
      client_id: 'tv',
      scope: 'profile',
      nonce: 'n',
    });
    assert.equal(badScope.body.error, 'invalid_request');
  });

  it('the user-code page: accessible form, normalised input, CSRF-protected', async () => {
    const browser = new BrowserlessClient(provider.issuer);
    const blank = await browser.get(`${provider.issuer}/device`);
    assert.ok('html' in blank);
    assert.match(blank.html, /<label for="user_code">/);
    assert.match(blank.html, /<h1>Connect a device<\/h1>/);
    const wrong = await enterUserCode(browser, provider, 'BCDF-GHJK');
    assert.equal(wrong.status, 400);
    assert.match(wrong.html, /role="alert"/);
    assert.match(wrong.html, /aria-invalid="true"/);

    const authorization = await authorizeDevice(provider);
    const typed = authorization.user_code.toLowerCase().replace('-', ' ');
    const login = await enterUserCode(browser, provider, typed);
    assert.equal(login.status, 200);
    assert.match(login.html, /action="[^"]*\/login"/, 'a lower-case code with a space leads to the login page');

    const forged = await browser.post(`${provider.issuer}/device`, { user_code: authorization.user_code });
    assert.ok('status' in forged);
    assert.equal(forged.status, 403, 'no CSRF token');
    const otherBrowser = new BrowserlessClient(provider.issuer);
    const token = /name="csrf" value="([^"]+)"/.exec(blank.html)?.[1] ?? '';
    const crossed = await otherBrowser.post(`${provider.issuer}/device`, {
      user_code: authorization.user_code,
      csrf: token,
    });
    assert.ok('status' in crossed);
    assert.equal(crossed.status, 403, "another browser's token");
  });

  it('a browser with a session is not asked to log in again, but still confirms on the consent page', async () => {
    const browser = new BrowserlessClient(provider.issuer);
    await approveInBrowser(provider, await authorizeDevice(provider), { browser });
    const second = await authorizeDevice(provider);
    const consent = await enterUserCode(browser, provider, second.user_code);
    assert.match(consent.html, /action="[^"]*\/consent"/);
    assert.doesNotMatch(consent.html, /action="[^"]*\/login"/);
  });
});

describe('device flow: user-code rate limit', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startDeviceProvider();
  });
  after(() => provider.stop());

  it('refuses further codes from an address after 5 wrong ones (429)', async () => {
    const browser = new BrowserlessClient(provider.issuer);
    for (let i = 0; i < 5; i += 1) assert.equal((await enterUserCode(browser, provider, 'BCDF-GHJK')).status, 400);
    const authorization = await authorizeDevice(provider);
    const limited = await enterUserCode(browser, provider, authorization.user_code);
    assert.equal(limited.status, 429);
    assert.match(limited.html, /Too many attempts/);
  });
});

describe('device flow: disabled', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider();
  });
  after(() => provider.stop());

  it('has no device endpoints and does not serve or advertise the grant', async () => {
    assert.equal((await fetch(`${provider.issuer}/device`)).status, 404);
    assert.equal((await fetch(`${provider.issuer}/device/authorize`, { method: 'POST' })).status, 404);
    const doc = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(doc.device_authorization_endpoint, undefined);
    assert.ok(!(doc.grant_types_supported as string[]).includes(deviceCodeGrantType));
    const basic = `Basic ${Buffer.from('post:post-secret').toString('base64')}`;
    const token = await form(`${provider.issuer}/token`, { grant_type: deviceCodeGrantType, device_code: 'x' }, basic);
    assert.equal(token.body.error, 'unsupported_grant_type');
  });
});
