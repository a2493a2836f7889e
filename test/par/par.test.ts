import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { manualClock } from '../../provider/time/clock.ts';
import { BrowserlessClient, browserlessLogin } from '../support/browserless-login.ts';
import {
  basicSecret,
  pkce,
  redirectUri,
  startBackChannelProvider,
  type BackChannelProvider,
} from '../token/fixtures.ts';
import { discover, type AuthMethod } from '../e2e/relying-party.ts';

/**
 * Pushed authorization requests (RFC 9126): a relying party pushes its authorization parameters to `/par` with client
 * authentication and sends the browser with only `client_id` and the returned `request_uri`. The request_uri is the
 * pushing client's, used once, and expires; with `required` a plain authorization request is refused.
 */

const alice = { username: 'alice', password: 'alice-password' };
const methods: AuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
];
const basicAuth = `Basic ${Buffer.from(`basic:${encodeURIComponent(basicSecret)}`).toString('base64')}`;
const enabled = { features: { pushedAuthorizationRequests: { enabled: true, required: false } } };

function codeRequest(extra: Record<string, string> = {}): Record<string, string> {
  return { response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile', state: 'st-1', ...extra };
}

async function push(
  provider: BackChannelProvider,
  fields: Record<string, string>,
  authorization: string | null = basicAuth,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${provider.issuer}/par`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

function authorizeUrl(provider: BackChannelProvider, params: Record<string, string>): URL {
  const url = new URL(`${provider.issuer}/authorize`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

describe('pushed authorization requests', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider(enabled);
  });
  after(() => provider.stop());

  it('is advertised in discovery', async () => {
    const doc = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(doc.pushed_authorization_request_endpoint, `${provider.issuer}/par`);
    assert.equal(doc.require_pushed_authorization_requests, false);
  });

  for (const method of methods) {
    it(`openid-client pushes with ${method} (buildAuthorizationUrlWithPAR) and signs a user in`, async () => {
      const config = await discover(provider, method);
      const verifier = client.randomPKCECodeVerifier();
      const url = await client.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: redirectUri,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: 'per-method',
      });
      const response = await browserlessLogin(url, alice);
      const tokens = await client.authorizationCodeGrant(config, response.url, {
        pkceCodeVerifier: verifier,
        expectedState: 'per-method',
        idTokenExpected: true,
      });
      assert.equal(tokens.claims()?.aud, config.clientMetadata().client_id);
    });
  }

  it('openid-client signs a user in through PAR: events in order', async () => {
    const config = await discover(provider, 'client_secret_basic');
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const from = provider.seen.length;
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    });
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    assert.match(url.searchParams.get('request_uri') ?? '', /^urn:ietf:params:oauth:request_uri:[\w-]{43}$/);
    const response = await browserlessLogin(url, alice);
    const tokens = await client.authorizationCodeGrant(config, response.url, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    assert.equal(tokens.claims()?.sub, 'alice-sub');
    const names = provider.seen.slice(from).map((event) => event.name);
    for (const name of [
      'pushed_authorization_request.saved',
      'pushed_authorization_request.success',
      'pushed_authorization_request.destroyed',
      'authorization.success',
    ] as const) {
      assert.ok(names.includes(name), `${name} emitted`);
    }
    assert.ok(names.indexOf('pushed_authorization_request.destroyed') < names.indexOf('authorization.success'));
  });

  it('answers 201 with request_uri and expires_in; a public client pushes with auth method none', async () => {
    const { challenge } = pkce();
    const pushed = await push(
      provider,
      { client_id: 'public', ...codeRequest({ code_challenge: challenge, code_challenge_method: 'S256' }) },
      null,
    );
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
    assert.equal(pushed.body.expires_in, provider.config.ttl.pushedAuthorizationRequest);
    assert.equal(pushed.headers.get('cache-control'), 'no-store');
  });

  it('refuses a push that fails client authentication (401 invalid_client)', async () => {
    const pushed = await push(provider, codeRequest(), `Basic ${Buffer.from('basic:wrong').toString('base64')}`);
    assert.equal(pushed.status, 401);
    assert.equal(pushed.body.error, 'invalid_client');
    assert.match(pushed.headers.get('www-authenticate') ?? '', /^Basic/);
  });

  it('runs the authorization checks on the pushed parameters: errors are JSON 400, nothing is stored', async () => {
    const cases: [Record<string, string>, string][] = [
      [codeRequest({ redirect_uri: 'http://127.0.0.1:9999/evil' }), 'invalid_request'],
      [codeRequest({ response_type: 'token' }), 'unsupported_response_type'],
      [codeRequest({ scope: 'profile', nonce: 'n' }), 'invalid_request'],
      [codeRequest({ code_challenge: 'x', code_challenge_method: 'plain' }), 'invalid_request'],
      [codeRequest({ request_uri: 'urn:ietf:params:oauth:request_uri:abc' }), 'invalid_request'],
      [codeRequest({ client_id: 'post' }), 'invalid_request'],
    ];
    for (const [fields, error] of cases) {
      const from = provider.seen.length;
      const pushed = await push(provider, fields);
      assert.equal(pushed.status, 400, JSON.stringify(fields));
      assert.equal(pushed.body.error, error, JSON.stringify(pushed.body));
      const names = provider.seen.slice(from).map((event) => event.name);
      assert.ok(names.includes('pushed_authorization_request.error'));
      assert.ok(!names.includes('pushed_authorization_request.saved'));
    }
  });

  it('a request_uri belongs to the client that pushed it; another client cannot use (or burn) it', async () => {
    const pushed = await push(provider, codeRequest());
    const requestUri = String(pushed.body.request_uri);
    const browser = new BrowserlessClient(provider.issuer);
    const foreign = await browser.get(authorizeUrl(provider, { client_id: 'post', request_uri: requestUri }));
    assert.ok('status' in foreign);
    assert.equal(foreign.status, 400);
    assert.match(foreign.html, /invalid_request_uri/);
    const own = await browserlessLogin(authorizeUrl(provider, { client_id: 'basic', request_uri: requestUri }), alice);
    assert.ok(own.params.get('code'));
    assert.equal(own.params.get('state'), 'st-1', 'the pushed parameters are used');
  });

  it('a request_uri is used once', async () => {
    const pushed = await push(provider, codeRequest());
    const url = authorizeUrl(provider, { client_id: 'basic', request_uri: String(pushed.body.request_uri) });
    const first = await browserlessLogin(url, alice);
    assert.ok(first.params.get('code'));
    const again = await first.client.get(url);
    assert.ok('status' in again);
    assert.equal(again.status, 400);
    assert.match(again.html, /invalid_request_uri/);
  });

  it('ignores parameters sent next to request_uri: only the pushed ones count (RFC 9126 §4)', async () => {
    const pushed = await push(provider, codeRequest({ state: 'pushed-state' }));
    const url = authorizeUrl(provider, {
      client_id: 'basic',
      request_uri: String(pushed.body.request_uri),
      state: 'injected',
      redirect_uri: 'http://127.0.0.1:9999/evil',
    });
    const response = await browserlessLogin(url, alice);
    assert.equal(response.url.origin + response.url.pathname, redirectUri);
    assert.equal(response.params.get('state'), 'pushed-state');
  });

  it('an unknown request_uri is invalid_request_uri', async () => {
    const browser = new BrowserlessClient(provider.issuer);
    const page = await browser.get(
      authorizeUrl(provider, { client_id: 'basic', request_uri: 'urn:ietf:params:oauth:request_uri:nope' }),
    );
    assert.ok('status' in page);
    assert.equal(page.status, 400);
    assert.match(page.html, /invalid_request_uri/);
  });

  it('accepts only POST', async () => {
    const response = await fetch(`${provider.issuer}/par`);
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
  });
});

describe('pushed authorization requests: expiry', () => {
  const clock = manualClock(Date.now());
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider(enabled, { clock });
  });
  after(() => provider.stop());

  it('a request_uri expires after ttl.pushedAuthorizationRequest', async () => {
    const pushed = await push(provider, codeRequest());
    clock.advance((provider.config.ttl.pushedAuthorizationRequest + 1) * 1000);
    const page = await new BrowserlessClient(provider.issuer).get(
      authorizeUrl(provider, { client_id: 'basic', request_uri: String(pushed.body.request_uri) }),
    );
    assert.ok('status' in page);
    assert.equal(page.status, 400);
    assert.match(page.html, /invalid_request_uri/);
  });
});

describe('pushed authorization requests: required', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider({
      features: { pushedAuthorizationRequests: { enabled: true, required: true } },
    });
  });
  after(() => provider.stop());

  it('refuses a plain authorization request, redirecting invalid_request to the client', async () => {
    const doc = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(doc.require_pushed_authorization_requests, true);
    const response = await new BrowserlessClient(provider.issuer).get(
      authorizeUrl(provider, { client_id: 'basic', ...codeRequest() }),
    );
    assert.ok('params' in response);
    assert.equal(response.params.get('error'), 'invalid_request');
    assert.equal(response.params.get('state'), 'st-1');
  });

  it('accepts a pushed request', async () => {
    const pushed = await push(provider, codeRequest());
    const response = await browserlessLogin(
      authorizeUrl(provider, { client_id: 'basic', request_uri: String(pushed.body.request_uri) }),
      alice,
    );
    assert.ok(response.params.get('code'));
  });
});

describe('pushed authorization requests: disabled', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider();
  });
  after(() => provider.stop());

  it('has no /par and refuses request_uri with request_uri_not_supported', async () => {
    assert.equal((await fetch(`${provider.issuer}/par`, { method: 'POST' })).status, 404);
    const response = await new BrowserlessClient(provider.issuer).get(
      authorizeUrl(provider, { client_id: 'basic', ...codeRequest(), request_uri: 'urn:x' }),
    );
    assert.ok('params' in response);
    assert.equal(response.params.get('error'), 'request_uri_not_supported');
  });
});
