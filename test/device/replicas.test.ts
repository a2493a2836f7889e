import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deviceCodeGrantType } from '../../provider/device/grant-type.ts';
import { hashPassword } from '../../provider/accounts/password.ts';
import { BrowserlessClient, browserlessLogin } from '../support/browserless-login.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { redirectUri } from '../token/fixtures.ts';
import { approveInBrowser, form, type DeviceAuthorization } from './fixtures.ts';

/**
 * Two provider replicas on one real Redis: a device code asked for on one replica is entered in the browser on the
 * other and polled on the first (the user code is a Redis index); of two replicas redeeming the approved device code
 * at the same moment exactly one gets tokens. A request_uri pushed to one replica is used once, on the other.
 */

describe('device flow and PAR across replicas (Redis)', () => {
  let redis: RedisServer;
  let a: TestProvider;
  let b: TestProvider;
  before(async () => {
    redis = await startRedis();
    const account = {
      username: 'alice',
      password_hash: await hashPassword('alice-password', { N: 1024, r: 8, p: 1 }),
      sub: 'alice-sub',
      claims: { name: 'Alice Example' },
    };
    const overrides = {
      storage: { type: 'redis', url: redis.url, keyPrefix: 'device-replicas:' },
      features: {
        deviceFlow: { enabled: true },
        pushedAuthorizationRequests: { enabled: true, required: false },
      },
      accounts: { records: [account] },
      clients: [
        { client_id: 'tv', token_endpoint_auth_method: 'none', grant_types: [deviceCodeGrantType], scope: 'openid' },
        { client_id: 'web', client_secret: 'web-secret', redirect_uris: [redirectUri], scope: 'openid profile' },
      ],
    };
    a = await startTestProvider(overrides);
    b = await startTestProvider(overrides);
  });
  after(async () => {
    await a.stop();
    await b.stop();
    await redis.stop();
  });

  it('device code from A, user code entered on B, polled on A; two replicas polling at once: one winner', async () => {
    const asked = await form(`${a.issuer}/device/authorize`, { client_id: 'tv', scope: 'openid' });
    assert.equal(asked.status, 200);
    const authorization = asked.body as unknown as DeviceAuthorization;
    const pending = await form(`${b.issuer}/token`, {
      grant_type: deviceCodeGrantType,
      device_code: authorization.device_code,
      client_id: 'tv',
    });
    assert.equal(pending.body.error, 'authorization_pending', 'B sees the code asked for on A');
    const onB = {
      ...authorization,
      verification_uri_complete: authorization.verification_uri_complete.replace(a.issuer, b.issuer),
    };
    const done = await approveInBrowser(b, onB);
    assert.match(done.html, /Your device is connected/);
    // Both replicas were polled just now; wait out the interval once, then both redeem at the same moment.
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const poll = (provider: TestProvider) =>
      form(`${provider.issuer}/token`, {
        grant_type: deviceCodeGrantType,
        device_code: authorization.device_code,
        client_id: 'tv',
      });
    const results = await Promise.all([poll(a), poll(b)]);
    const winners = results.filter((result) => result.status === 200);
    assert.equal(winners.length, 1, JSON.stringify(results.map((result) => result.body)));
    // The other is refused: as a poll within the interval (the poll record is inserted atomically), or, had it got
    // past that, as a second redemption of a consumed code.
    const loser = results.find((result) => result.status !== 200);
    assert.ok(['slow_down', 'invalid_grant'].includes(String(loser?.body.error)), JSON.stringify(loser?.body));
  });

  it('a request_uri pushed to A is used once on B', async () => {
    const basic = `Basic ${Buffer.from('web:web-secret').toString('base64')}`;
    const pushed = await form(
      `${a.issuer}/par`,
      { response_type: 'code', redirect_uri: redirectUri, scope: 'openid', state: 'across' },
      basic,
    );
    assert.equal(pushed.status, 201);
    const url = new URL(`${b.issuer}/authorize`);
    url.searchParams.set('client_id', 'web');
    url.searchParams.set('request_uri', String(pushed.body.request_uri));
    const response = await browserlessLogin(url, { username: 'alice', password: 'alice-password' });
    assert.ok(response.params.get('code'));
    assert.equal(response.params.get('state'), 'across');
    const again = await new BrowserlessClient(a.issuer).get(url.href.replace(b.issuer, a.issuer));
    assert.ok('status' in again);
    assert.equal(again.status, 400);
  });
});
