import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BrowserlessClient, browserlessLogin, formsOf, isPage } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, pkce, recordEvents, redirectUri, startFrontChannelProvider } from './fixtures.ts';

/** GET without following redirects: what the browser receives first. */
async function first(url: URL, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', ...init });
}

/** The parameters of a redirect to the client (query or fragment). */
function responseParams(response: Response): URLSearchParams {
  const location = response.headers.get('location');
  assert.ok(location, `expected a redirect, got ${String(response.status)}`);
  const url = new URL(location);
  assert.equal(`${url.origin}${url.pathname}`, redirectUri);
  return url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
}

describe('authorization endpoint', () => {
  let provider: TestProvider;
  let events: ReturnType<typeof recordEvents>;
  before(async () => {
    provider = await startFrontChannelProvider();
    events = recordEvents(provider);
  });
  after(() => provider.stop());

  it('advertises what it does in discovery', async () => {
    const doc = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(doc.authorization_endpoint, `${provider.issuer}/authorize`);
    assert.deepEqual(doc.response_types_supported, ['code', 'none']);
    assert.deepEqual(doc.response_modes_supported, ['query', 'fragment', 'form_post']);
    assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
    assert.equal(doc.authorization_response_iss_parameter_supported, true);
    assert.deepEqual(doc.prompt_values_supported, ['none', 'login', 'consent']);
    assert.ok((doc.claims_supported as string[]).includes('email'));
  });

  it('shows a redirect_uri mismatch on an error page and never redirects', async () => {
    events.length = 0;
    const response = await first(authorizationUrl(provider, { redirect_uri: 'https://evil.example/cb', state: 's' }));
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const html = await response.text();
    assert.match(html, /<html lang="en">/);
    assert.match(html, /redirect_uri did not match/);
    assert.doesNotMatch(html, /evil\.example/, 'the attacker URI is not echoed');
    assert.doesNotMatch(html, /at .*\.ts:\d+/, 'no stack trace');
    assert.deepEqual(
      events.map((event) => event.name),
      ['authorization.error'],
    );
    const [ctx, error] = events[0]?.args as [{ oidc: { client?: { clientId: string } } }, { error: string }];
    assert.equal(ctx.oidc.client?.clientId, 'web');
    assert.equal(error.error, 'invalid_request');
  });

  it('shows an unknown client on the error page, escaped', async () => {
    const response = await first(authorizationUrl(provider, { client_id: '<script>alert(1)</script>' }));
    assert.equal(response.status, 400);
    const html = await response.text();
    assert.match(html, /invalid_client/);
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  });

  it('rejects duplicated parameters on the error page', async () => {
    const url = authorizationUrl(provider);
    url.searchParams.append('redirect_uri', 'https://evil.example/cb');
    const response = await first(url);
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.match(await response.text(), /&#39;redirect_uri&#39; parameter must not be provided more than once/);
    const twiceScope = authorizationUrl(provider, { state: 'st' });
    twiceScope.searchParams.append('scope', 'openid');
    assert.equal((await first(twiceScope)).status, 400);
  });

  it('redirects errors once the redirect URI is trusted, with state and iss', async () => {
    const unsupported = await first(authorizationUrl(provider, { response_type: 'token', state: 'st-1' }));
    assert.equal(unsupported.status, 303);
    const params = responseParams(unsupported);
    assert.equal(params.get('error'), 'unsupported_response_type');
    assert.equal(params.get('state'), 'st-1');
    assert.equal(params.get('iss'), provider.issuer);

    const noPkce = responseParams(await first(authorizationUrl(provider, { client_id: 'spa', state: 'st-2' })));
    assert.equal(noPkce.get('error'), 'invalid_request');
    assert.match(noPkce.get('error_description') ?? '', /PKCE/);

    const { challenge } = pkce();
    const plain = responseParams(
      await first(authorizationUrl(provider, { code_challenge: challenge, code_challenge_method: 'plain' })),
    );
    assert.equal(plain.get('error'), 'invalid_request');
    assert.match(plain.get('error_description') ?? '', /plain/);

    const fragment = await first(authorizationUrl(provider, { response_mode: 'fragment', prompt: 'none login' }));
    assert.match(fragment.headers.get('location') ?? '', /#error=invalid_request/);
  });

  it('keeps the redirect URI query and adds the response after it', async () => {
    const response = await first(
      authorizationUrl(provider, { redirect_uri: 'http://127.0.0.1:9/other?keep=1', response_type: 'nope' }),
    );
    const location = new URL(response.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('keep'), '1');
    assert.equal(location.searchParams.get('error'), 'unsupported_response_type');
  });

  it('answers prompt=none without a session with login_required, to the client', async () => {
    events.length = 0;
    const params = responseParams(await first(authorizationUrl(provider, { prompt: 'none', state: 'pn' })));
    assert.equal(params.get('error'), 'login_required');
    assert.equal(params.get('state'), 'pn');
    assert.equal(params.get('iss'), provider.issuer);
    assert.deepEqual(
      events.map((event) => event.name),
      ['authorization.error'],
    );
  });

  it('sends form_post errors and responses as an auto-submitting form under a CSP nonce', async () => {
    const response = await first(
      authorizationUrl(provider, { response_mode: 'form_post', prompt: 'none', state: 'fp' }),
    );
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.match(csp, /form-action http:\/\/127\.0\.0\.1:9(;|$)/);
    const html = await response.text();
    assert.ok(html.includes(`<script nonce="${nonce}">`));
    const form = formsOf({ url: new URL(provider.issuer), status: 200, html }).at(0);
    assert.equal(form?.action.href, redirectUri);
    assert.deepEqual(form.hidden, {
      error: 'login_required',
      error_description: 'end-user authentication is required',
      state: 'fp',
      iss: provider.issuer,
    });
  });

  it('accepts POST authorization requests', async () => {
    const client = new BrowserlessClient(provider.issuer);
    const step = await client.post(`${provider.issuer}/authorize`, {
      client_id: 'web',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      prompt: 'none',
      state: 'post',
    });
    assert.ok(!isPage(step));
    assert.equal(step.params.get('error'), 'login_required');
    assert.equal(step.params.get('state'), 'post');
  });

  it('emits the front-channel events in order with their documented arguments', async () => {
    events.length = 0;
    await browserlessLogin(authorizationUrl(provider, { state: 'events' }), {
      username: 'bob',
      password: passwords.bob,
    });
    assert.deepEqual(
      events.map((event) => event.name),
      [
        'interaction.saved',
        'interaction.started',
        'interaction.destroyed', // the login answered: the request goes on
        'interaction.ended',
        'session.saved',
        'interaction.saved',
        'interaction.started',
        'interaction.destroyed', // the consent answered
        'interaction.ended',
        'authorization.accepted',
        'session.saved',
        'authorization_code.saved',
        'authorization.success',
      ],
    );
    const started = events.filter((event) => event.name === 'interaction.started');
    assert.deepEqual(started[0]?.args[1], { name: 'login', reasons: ['no_session'] });
    assert.deepEqual(started[1]?.args[1], { name: 'consent', reasons: ['scopes_missing'] });
    const success = events.at(-1)?.args[0] as {
      oidc: { route: string; accountId: string; params: Record<string, string> };
    };
    assert.equal(success.oidc.route, 'authorization');
    assert.equal(success.oidc.accountId, 'sub-bob');
    assert.equal(success.oidc.params.state, 'events');
    const interaction = events[0]?.args[0] as { kind: string; prompt: { name: string } };
    assert.equal(interaction.kind, 'Interaction');
  });

  it('completes a login and consent and issues a code with iss and state; response_type=none gives no code', async () => {
    const { params, client } = await browserlessLogin(authorizationUrl(provider, { state: 'ok', nonce: 'n' }), {
      username: 'alice',
      password: passwords.alice,
    });
    assert.match(params.get('code') ?? '', /^[\w-]{43}$/);
    assert.equal(params.get('state'), 'ok');
    assert.equal(params.get('iss'), provider.issuer);
    const none = await browserlessLogin(authorizationUrl(provider, { response_type: 'none', state: 'n2' }), {
      username: 'alice',
      password: passwords.alice,
      client,
    });
    assert.deepEqual([...none.params.keys()].sort(), ['iss', 'state']);
  });
});
