import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { staticTokenHash } from '../../provider/registration/initial-access-token.ts';
import { opaqueTokenId } from '../../provider/tokens/opaque.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

/**
 * RFC 7591 registration and RFC 7592 management against a real provider: initial access tokens (static by hash, with
 * and without the `client_id` policy), generated ids and secrets, the client information response, read, update
 * (client_id and client_secret checks, no rotation), delete, and the RFC 7591 §3.2.2 / RFC 6750 errors with their
 * events.
 */

const operatorToken = 'operator-initial-access-token-0123456789abcdef';
const plainToken = 'plain-initial-access-token-0123456789abcdefghij';

const webClient = {
  client_name: 'Web app',
  redirect_uris: ['https://app.example.com/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  scope: 'openid profile offline_access',
};

interface Recorded {
  name: string;
  args: unknown[];
}

describe('dynamic client registration (RFC 7591/7592)', () => {
  let provider: TestProvider;
  const events: Recorded[] = [];
  const eventNames = [
    'registration_create.success',
    'registration_create.error',
    'registration_read.error',
    'registration_update.success',
    'registration_update.error',
    'registration_delete.success',
    'registration_delete.error',
    'registration_access_token.saved',
    'registration_access_token.destroyed',
    'server_error',
  ] as const;

  before(async () => {
    provider = await startTestProvider({
      clients: [
        {
          client_id: 'static-app',
          client_secret: 'static-secret-0123456789',
          grant_types: ['client_credentials'],
          response_types: [],
        },
      ],
      features: {
        registration: {
          enabled: true,
          initialAccessToken: true,
          initialAccessTokens: [
            { sha256: staticTokenHash(operatorToken), policies: ['client_id'] },
            { sha256: staticTokenHash(plainToken) },
          ],
        },
      },
    });
    for (const name of eventNames) {
      provider.events.on(name, (...args: unknown[]) => events.push({ name, args }));
    }
  });
  after(() => provider.stop());

  const register = (body: unknown, token?: string, contentType = 'application/json'): Promise<Response> =>
    fetch(`${provider.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const manage = (uri: string, method: string, token: string, body?: unknown): Promise<Response> =>
    fetch(uri, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const since = (mark: number, name: string): Recorded[] => events.slice(mark).filter((e) => e.name === name);

  it('advertises registration_endpoint in discovery', async () => {
    const metadata = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(metadata.registration_endpoint, `${provider.issuer}/register`);
  });

  it('registers a confidential client: generated id, 256-bit secret, RAT, registration_client_uri (201)', async () => {
    const mark = events.length;
    const response = await register(webClient, plainToken);
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = (await response.json()) as Record<string, unknown>;
    const clientId = body.client_id as string;
    assert.match(clientId, /^[\w-]{22}$/);
    assert.ok(Buffer.from(body.client_secret as string, 'base64url').length >= 32, 'secret carries ≥ 256 bits');
    assert.equal(body.client_secret_expires_at, 0);
    assert.equal(typeof body.client_id_issued_at, 'number');
    assert.equal(body.registration_client_uri, `${provider.issuer}/register/${clientId}`);
    assert.equal(body.token_endpoint_auth_method, 'client_secret_basic');
    assert.deepEqual(body.redirect_uris, webClient.redirect_uris);
    assert.equal(body.scope, webClient.scope);
    assert.equal(body.client_name, 'Web app');

    const created = since(mark, 'registration_create.success');
    assert.equal(created.length, 1);
    assert.equal((created[0]?.args[1] as { clientId: string }).clientId, clientId);
    assert.ok(!JSON.stringify(created[0]?.args).includes(body.client_secret as string), 'no secret in the event');
    const saved = since(mark, 'registration_access_token.saved');
    assert.equal(saved.length, 1);
    const rat = saved[0]?.args[0] as { jti: string; clientId: string };
    assert.equal(rat.clientId, clientId);
    assert.equal(rat.jti, opaqueTokenId(body.registration_access_token as string), 'stored under its SHA-256');

    // The client works at the token endpoint with the issued secret (client_credentials needs it registered).
    const stored = await provider.storage.adapter('Client').find(clientId);
    assert.ok(stored?.secretHash && !JSON.stringify(stored).includes(body.client_secret as string));
  });

  it('registers a public client without a secret', async () => {
    const response = await register({ ...webClient, token_endpoint_auth_method: 'none' }, plainToken);
    assert.equal(response.status, 201);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.client_secret, undefined);
    assert.equal(body.client_secret_expires_at, undefined);
  });

  it('lets the client_id policy choose the client_id, once', async () => {
    const first = await register({ ...webClient, client_id: 'team-a/grafana' }, operatorToken);
    assert.equal(first.status, 201);
    const body = (await first.json()) as Record<string, unknown>;
    assert.equal(body.client_id, 'team-a/grafana');
    assert.equal(body.registration_client_uri, `${provider.issuer}/register/team-a%2Fgrafana`);
    const read = await manage(body.registration_client_uri, 'GET', body.registration_access_token as string);
    assert.equal(read.status, 200);

    const again = await register({ ...webClient, client_id: 'team-a/grafana' }, operatorToken);
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_client_metadata');
    const staticId = await register({ ...webClient, client_id: 'static-app' }, operatorToken);
    assert.equal(staticId.status, 400);
    assert.equal(((await staticId.json()) as { error: string }).error, 'invalid_client_metadata');
  });

  it('two concurrent registrations of one requested client_id: exactly one wins', async () => {
    const responses = await Promise.all(
      [1, 2, 3].map(() => register({ ...webClient, client_id: 'raced' }, operatorToken)),
    );
    assert.deepEqual(responses.map((r) => r.status).sort(), [201, 400, 400]);
  });

  it('refuses a requested client_id without the policy', async () => {
    const mark = events.length;
    const response = await register({ ...webClient, client_id: 'mine' }, plainToken);
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client_metadata');
    assert.equal(since(mark, 'registration_create.error').length, 1);
  });

  it('requires a valid initial access token (401 invalid_token, WWW-Authenticate Bearer)', async () => {
    for (const token of [undefined, 'wrong-token']) {
      const mark = events.length;
      const response = await register(webClient, token);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+", error="invalid_token"/);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_token');
      const errors = since(mark, 'registration_create.error');
      assert.equal(errors.length, 1);
      assert.equal((errors[0]?.args[1] as { error: string }).error, 'invalid_token');
    }
  });

  it('answers invalid_redirect_uri and invalid_client_metadata (RFC 7591 §3.2.2)', async () => {
    const cases: [unknown, string][] = [
      [{ ...webClient, redirect_uris: ['https://app.example.com/cb#fragment'] }, 'invalid_redirect_uri'],
      [{ ...webClient, redirect_uris: ['not a uri'] }, 'invalid_redirect_uri'],
      [{ ...webClient, redirect_uris: [] }, 'invalid_client_metadata'],
      [{ ...webClient, grant_types: ['password'] }, 'invalid_client_metadata'],
      [{ ...webClient, scope: 'openid admin' }, 'invalid_client_metadata'],
      [{ ...webClient, token_endpoint_auth_method: 'tls_client_auth' }, 'invalid_client_metadata'],
      [{ ...webClient, client_secret: 'my-own-secret' }, 'invalid_client_metadata'],
      [[webClient], 'invalid_client_metadata'],
    ];
    for (const [body, error] of cases) {
      const response = await register(body, plainToken);
      assert.equal(response.status, 400, JSON.stringify(body));
      const answer = (await response.json()) as { error: string; error_description: string };
      assert.equal(answer.error, error, JSON.stringify(body));
      assert.ok(answer.error_description);
    }
    const notJson = await register('client_name=x', plainToken, 'application/x-www-form-urlencoded');
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as { error: string }).error, 'invalid_request');
    const broken = await register('{"client_name":', plainToken);
    assert.equal(broken.status, 400);
  });

  it('reads, updates (no rotation) and deletes a registered client', async () => {
    const created = (await (await register(webClient, plainToken)).json()) as Record<string, string | number>;
    const uri = created.registration_client_uri as string;
    const rat = created.registration_access_token as string;
    const secret = created.client_secret as string;

    const read = await manage(uri, 'GET', rat);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('cache-control'), 'no-store');
    const info = (await read.json()) as Record<string, unknown>;
    assert.equal(info.client_id, created.client_id);
    assert.equal(info.client_secret, undefined, 'the secret is only returned when issued');
    assert.equal(info.registration_access_token, rat);
    assert.equal(info.registration_client_uri, uri);
    assert.equal(info.client_id_issued_at, created.client_id_issued_at);

    // PUT replaces the metadata; the fields the provider sets must not be sent (RFC 7592 §2.2).
    for (const field of [
      'registration_access_token',
      'registration_client_uri',
      'client_id_issued_at',
      'client_secret_expires_at',
    ]) {
      const echoed = await manage(uri, 'PUT', rat, {
        ...webClient,
        client_id: created.client_id,
        [field]: info[field],
      });
      assert.equal(echoed.status, 400, field);
      assert.equal(((await echoed.json()) as { error: string }).error, 'invalid_request');
    }
    const {
      registration_access_token: _rat,
      registration_client_uri: _uri,
      client_id_issued_at: _iat,
      client_secret_expires_at: _exp,
      ...metadata
    } = info;
    let mark = events.length;
    const update = await manage(uri, 'PUT', rat, {
      ...metadata,
      client_secret: secret,
      client_name: 'Renamed',
      redirect_uris: ['https://app.example.com/new'],
    });
    assert.equal(update.status, 200);
    const updated = (await update.json()) as Record<string, unknown>;
    assert.equal(updated.client_name, 'Renamed');
    assert.deepEqual(updated.redirect_uris, ['https://app.example.com/new']);
    assert.equal(updated.client_secret, undefined, 'not rotated');
    assert.equal(updated.client_id_issued_at, created.client_id_issued_at);
    assert.equal(since(mark, 'registration_update.success').length, 1);
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(String(created.client_id))}:${secret}`).toString('base64')}`;
    // The old secret still authenticates: the token endpoint gets past client authentication (401 otherwise) and
    // refuses only the grant this client is not registered for.
    const token = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    assert.equal(token.status, 400);
    assert.equal(((await token.json()) as { error: string }).error, 'unauthorized_client');

    // Omitted fields take their defaults (a full replacement).
    const minimal = await manage(uri, 'PUT', rat, {
      client_id: created.client_id,
      redirect_uris: ['https://app.example.com/new'],
    });
    assert.equal(minimal.status, 200);
    const replaced = (await minimal.json()) as Record<string, unknown>;
    assert.equal(replaced.client_name, undefined);
    assert.deepEqual(replaced.grant_types, ['authorization_code']);

    // Wrong client_id, wrong secret, missing client_id.
    for (const [body, error] of [
      [{ ...webClient, client_id: 'someone-else' }, 'invalid_request'],
      [{ ...webClient }, 'invalid_request'],
      [{ ...webClient, client_id: created.client_id, client_secret: 'not-the-secret' }, 'invalid_request'],
      [
        { ...webClient, client_id: created.client_id, redirect_uris: ['http://app.example.com/'] },
        'invalid_redirect_uri',
      ],
    ] as const) {
      mark = events.length;
      const response = await manage(uri, 'PUT', rat, body);
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, error);
      assert.equal(since(mark, 'registration_update.error').length, 1);
    }

    mark = events.length;
    const removed = await manage(uri, 'DELETE', rat);
    assert.equal(removed.status, 204);
    assert.equal(since(mark, 'registration_delete.success').length, 1);
    assert.equal(since(mark, 'registration_access_token.destroyed').length, 1);
    assert.equal(await provider.storage.adapter('Client').find(String(created.client_id)), undefined);

    mark = events.length;
    const gone = await manage(uri, 'GET', rat);
    assert.equal(gone.status, 401);
    assert.match(gone.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal(since(mark, 'registration_read.error').length, 1);
    const deleteAgain = await manage(uri, 'DELETE', rat);
    assert.equal(deleteAgain.status, 401);
    assert.equal(since(mark, 'registration_delete.error').length, 1);
  });

  it('a registration access token manages only its own client', async () => {
    const a = (await (await register(webClient, plainToken)).json()) as Record<string, string>;
    const b = (await (await register(webClient, plainToken)).json()) as Record<string, string>;
    const response = await manage(b.registration_client_uri, 'GET', a.registration_access_token);
    assert.equal(response.status, 401);
    const put = await manage(b.registration_client_uri, 'PUT', a.registration_access_token, {
      ...webClient,
      client_id: b.client_id,
    });
    assert.equal(put.status, 401);
    const noToken = await fetch(a.registration_client_uri);
    assert.equal(noToken.status, 401);
    // A static client has no registration access token: it cannot be managed.
    const staticRead = await manage(`${provider.issuer}/register/static-app`, 'GET', a.registration_access_token);
    assert.equal(staticRead.status, 401);
  });

  it('issues a new secret when the new method cannot use the stored one', async () => {
    const created = (await (
      await register({ ...webClient, token_endpoint_auth_method: 'none' }, plainToken)
    ).json()) as Record<string, string>;
    const response = await manage(created.registration_client_uri, 'PUT', created.registration_access_token, {
      ...webClient,
      client_id: created.client_id,
      token_endpoint_auth_method: 'client_secret_post',
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(typeof body.client_secret, 'string');
    assert.equal(body.client_secret_expires_at, 0);
    const toJwt = await manage(created.registration_client_uri, 'PUT', created.registration_access_token, {
      ...webClient,
      client_id: created.client_id,
      token_endpoint_auth_method: 'client_secret_jwt',
      token_endpoint_auth_signing_alg: 'HS512',
    });
    const jwtBody = (await toJwt.json()) as Record<string, unknown>;
    assert.equal(toJwt.status, 200);
    assert.ok(Buffer.byteLength(jwtBody.client_secret as string) >= 64, 'long enough for HS512');
  });

  it('no server_error was emitted', () => {
    assert.deepEqual(
      events.filter((e) => e.name === 'server_error').map((e) => String(e.args[1])),
      [],
    );
  });
});

describe('registration disabled (default)', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider();
  });
  after(() => provider.stop());

  it('is neither served nor advertised', async () => {
    const metadata = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(metadata.registration_endpoint, undefined);
    const response = await fetch(`${provider.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(webClient),
    });
    assert.equal(response.status, 404);
  });
});

describe('open registration (initialAccessToken: false)', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider({ features: { registration: { enabled: true, initialAccessToken: false } } });
  });
  after(() => provider.stop());

  it('registers without a token but never lets the request choose the client_id', async () => {
    const post = (body: unknown): Promise<Response> =>
      fetch(`${provider.issuer}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal((await post(webClient)).status, 201);
    assert.equal((await post({ ...webClient, client_id: 'chosen' })).status, 400);
  });
});

describe('registration checks the token before the body', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider({ features: { registration: { enabled: true } } });
  });
  after(() => provider.stop());

  it('answers 401 to an unauthenticated request whatever its body', async () => {
    for (const body of ['{"redirect_uris": [', '[]', '{"redirect_uris": ["not a uri"]}']) {
      const response = await fetch(`${provider.issuer}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer nope' },
        body,
      });
      assert.equal(response.status, 401, body);
    }
  });
});
