import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAuthorizationRequest } from '../../provider/authorization/check-request.ts';
import { requiredPrompt } from '../../provider/authorization/prompts.ts';
import type { AuthorizationRequest, CheckDeps } from '../../provider/authorization/request.ts';
import { ConfiguredClientStore, loadStaticClients, metadataContext } from '../../provider/clients/client-store.ts';
import { deepMerge } from '../../provider/config/merge.ts';
import { defaults, type ProviderConfig } from '../../provider/config/options.ts';
import { validateConfig } from '../../provider/config/validate.ts';
import { OIDCError } from '../../provider/errors/oidc-error.ts';
import type { Grant, Session } from '../../provider/models/types.ts';
import { MemoryStorage } from '../../provider/storage/memory.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { pkce, redirectUri } from './fixtures.ts';

/** Checks run as plain functions: a real client store from configuration, no HTTP. */
function deps(): CheckDeps {
  const config: ProviderConfig = validateConfig(
    deepMerge(defaults, {
      issuer: 'http://127.0.0.1:1',
      clients: [
        {
          client_id: 'web',
          client_secret: 'web-secret-web-secret-web-secret',
          redirect_uris: [redirectUri],
          response_types: ['code', 'none'],
          scope: 'openid profile email offline_access',
        },
        { client_id: 'spa', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', scope: 'openid' },
      ],
    }),
  );
  const clock = manualClock();
  const storage = new MemoryStorage({ clock, maxEntries: 10 });
  void storage.close(); // only the (empty) Client adapter is read; no sweeper needed
  const clients = new ConfiguredClientStore(
    loadStaticClients(config.clients, metadataContext(config)),
    storage.adapter('Client'),
  );
  // The keystore is only consulted for id_token_hint, tested end to end in session-flow.test.ts.
  return { config, clients, clock, keys: undefined as never };
}

const base = { client_id: 'web', redirect_uri: redirectUri, response_type: 'code', scope: 'openid' };

/** Runs the checks; resolves the request, or the error with how far the request got. */
interface Outcome {
  request?: AuthorizationRequest;
  error?: OIDCError;
  redirectable: boolean;
  progress?: AuthorizationRequest;
}

async function check(input: Record<string, unknown>): Promise<Outcome> {
  let progress: AuthorizationRequest | undefined;
  try {
    const request = await checkAuthorizationRequest(input, deps(), (r) => (progress = r));
    return { request, redirectable: true };
  } catch (error) {
    assert.ok(error instanceof OIDCError, String(error));
    return { error, redirectable: progress?.redirectUri !== undefined, ...(progress ? { progress } : {}) };
  }
}

describe('authorization checks', () => {
  it('accepts a minimal code request and records what it established', async () => {
    const { request } = await check({ ...base, scope: 'openid profile unknown', state: 's', unknown_param: 'x' });
    assert.ok(request);
    assert.equal(request.client?.clientId, 'web');
    assert.equal(request.redirectUri, redirectUri);
    assert.equal(request.responseMode, 'query');
    assert.deepEqual(request.scopes, ['openid', 'profile'], 'unknown scopes dropped');
    assert.equal(request.params.state, 's');
    assert.equal((request.params as Record<string, unknown>).unknown_param, undefined, 'unknown params ignored');
  });

  it('refuses duplicated parameters before trusting anything', async () => {
    const { error, redirectable } = await check({ ...base, state: ['a', 'b'] });
    assert.equal(error?.error, 'invalid_request');
    assert.match(error.errorDescription, /state/);
    assert.equal(redirectable, false);
    const unknownTwice = await check({ ...base, foo: ['1', '2'] });
    assert.equal(unknownTwice.error, undefined, 'unknown parameters may repeat');
  });

  it('shows unknown clients and unregistered redirect URIs on the page, never redirecting', async () => {
    for (const input of [
      { ...base, client_id: 'nobody' },
      { ...base, redirect_uri: `${redirectUri}/evil` },
      { ...base, redirect_uri: redirectUri.replace('127.0.0.1', 'localhost') },
      { ...base, redirect_uri: undefined },
    ]) {
      const { error, redirectable } = await check(input);
      assert.ok(error, JSON.stringify(input));
      assert.equal(redirectable, false, JSON.stringify(input));
    }
  });

  it('redirects later errors in the requested response mode', async () => {
    const unsupported = await check({ ...base, response_type: 'token', response_mode: 'fragment' });
    assert.equal(unsupported.error?.error, 'unsupported_response_type');
    assert.equal(unsupported.redirectable, true);
    assert.equal(unsupported.progress?.responseMode, 'fragment');
    const badMode = await check({ ...base, response_mode: 'jwt' });
    assert.equal(badMode.error?.error, 'invalid_request');
    assert.equal(badMode.progress?.responseMode, 'query');
    const notAllowed = await check({ ...base, client_id: 'spa', response_type: 'none' });
    assert.equal(notAllowed.error?.error, 'unauthorized_client');
  });

  it('requires S256 PKCE from public clients and refuses plain for everyone', async () => {
    const { challenge } = pkce();
    assert.match((await check({ ...base, client_id: 'spa' })).error?.errorDescription ?? '', /PKCE/);
    assert.equal(
      (await check({ ...base, client_id: 'spa', code_challenge: challenge, code_challenge_method: 'S256' })).error,
      undefined,
    );
    for (const method of ['plain', undefined]) {
      const input = { ...base, code_challenge: challenge, ...(method ? { code_challenge_method: method } : {}) };
      const { error } = await check(input);
      assert.equal(error?.error, 'invalid_request');
      assert.match(error.errorDescription, /plain/);
    }
    assert.equal(
      (await check({ ...base, code_challenge: 'short', code_challenge_method: 'S256' })).error?.error,
      'invalid_request',
    );
    assert.equal((await check(base)).error, undefined, 'a confidential client may omit PKCE');
  });

  it('validates prompt, max_age, scope and claims', async () => {
    assert.equal(
      (await check({ ...base, prompt: 'none login' })).error?.errorDescription,
      'prompt none must only be used alone',
    );
    assert.equal((await check({ ...base, prompt: 'select_account' })).error?.error, 'invalid_request');
    assert.deepEqual(
      [...((await check({ ...base, prompt: 'login consent' })).request?.prompts ?? [])],
      ['login', 'consent'],
    );
    assert.equal((await check({ ...base, max_age: '-1' })).error?.error, 'invalid_request');
    assert.equal((await check({ ...base, max_age: '300' })).request?.maxAge, 300);
    assert.equal((await check({ ...base, scope: 'openid address' })).error?.error, 'invalid_scope');
    assert.equal((await check({ ...base, scope: undefined })).error?.error, 'invalid_request');
    assert.equal((await check({ ...base, scope: 'profile', nonce: 'n' })).error?.error, 'invalid_request');
    assert.deepEqual((await check({ ...base, scope: 'profile offline_access' })).request?.scopes, ['profile']);
    assert.equal((await check({ ...base, claims: '{"userinfo":[]}' })).error?.error, 'invalid_request');
    assert.equal(
      (await check({ ...base, response_type: 'none', claims: '{"userinfo":{"email":null}}' })).error?.error,
      'invalid_request',
    );
    assert.equal((await check({ ...base, request: 'eyJ...' })).error?.error, 'request_not_supported');
    assert.equal((await check({ ...base, request_uri: 'urn:x' })).error?.error, 'request_uri_not_supported');
  });
});

describe('required prompt', () => {
  const now = 1_000_000;
  const session: Session = {
    jti: 's',
    kind: 'Session',
    iat: now - 100,
    exp: now + 100,
    uid: 'u',
    accountId: 'a',
    loginTs: now - 100,
    authorizations: {},
  };
  const account = { accountId: 'a', sub: 'sub-a', claims: {} };
  const grant: Grant = {
    jti: 'g',
    kind: 'Grant',
    iat: now,
    exp: now + 100,
    accountId: 'a',
    clientId: 'web',
    scopes: ['openid', 'profile'],
    claims: ['email'],
    resources: {},
  };
  const request = (extra: Partial<AuthorizationRequest>): AuthorizationRequest => ({
    input: {},
    params: {},
    responseMode: 'query',
    scopes: ['openid'],
    prompts: new Set(),
    ...extra,
  });

  it('asks for login without a session, for prompt=login, past max_age and for another subject', () => {
    assert.deepEqual(
      requiredPrompt({ request: request({}), session: undefined, account: undefined, grant, result: undefined, now }),
      {
        name: 'login',
        reasons: ['no_session'],
      },
    );
    const ask = (extra: Partial<AuthorizationRequest>, result?: { login: { accountId: string; loginTs: number } }) =>
      requiredPrompt({ request: request(extra), session, account, grant, result, now });
    assert.deepEqual(ask({ prompts: new Set(['login']) })?.reasons, ['login_prompt']);
    assert.equal(ask({ prompts: new Set(['login']) }, { login: { accountId: 'a', loginTs: now } }), undefined);
    assert.deepEqual(ask({ maxAge: 99 })?.reasons, ['max_age']);
    assert.equal(ask({ maxAge: 100 }), undefined);
    assert.deepEqual(ask({ maxAge: 0 })?.reasons, ['max_age']);
    assert.deepEqual(ask({ idTokenHint: { sub: 'sub-b' } })?.reasons, ['id_token_hint']);
    assert.equal(ask({ idTokenHint: { sub: 'sub-a' } }), undefined);
  });

  it('asks for consent for prompt=consent and for scopes or claims not yet granted', () => {
    const ask = (extra: Partial<AuthorizationRequest>, withGrant: Grant | null = grant) =>
      requiredPrompt({
        request: request(extra),
        session,
        account,
        grant: withGrant ?? undefined,
        result: undefined,
        now,
      });
    assert.equal(ask({ scopes: ['openid', 'profile'] }), undefined);
    assert.deepEqual(ask({}, null), { name: 'consent', reasons: ['scopes_missing'] });
    assert.deepEqual(ask({ scopes: ['openid', 'email'] })?.reasons, ['scopes_missing']);
    assert.deepEqual(ask({ prompts: new Set(['consent']) })?.reasons, ['consent_prompt']);
    assert.deepEqual(ask({ claims: { userinfo: { email: null, auth_time: null } } }), undefined);
    assert.deepEqual(ask({ claims: { id_token: { name: null } } })?.reasons, ['claims_missing']);
  });
});
