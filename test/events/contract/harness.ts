/**
 * The harness of the event contract suite (`test/events/situations.test.ts`): one provider with every feature on,
 * a recorder subscribed to all 54 events, the argument shapes of docs/events.md checked on every emission, and
 * `expectEvents` — the exact list of events a situation emits (names in order, nothing more, nothing less) with a
 * check of each one's arguments. Every event an area asserts is added to `covered`; the entry test checks that the
 * areas together assert every event of the contract.
 */
import assert from 'node:assert/strict';
import { generateKeyPair, exportJWK, type CryptoKey, type JWK } from 'jose';
import { hashPassword } from '../../../provider/accounts/password.ts';
import { staticTokenHash } from '../../../provider/registration/initial-access-token.ts';
import { knownErrorCodes, OIDCError } from '../../../provider/errors/oidc-error.ts';
import type { RequestContext } from '../../../provider/events/context.ts';
import { eventNames, type EventName, type ProviderEmitter } from '../../../provider/events/events.ts';
import { modelNames } from '../../../provider/models/types.ts';
import { manualClock } from '../../../provider/time/clock.ts';
import { deviceCodeGrantType } from '../../../provider/device/grant-type.ts';
import { freePort } from '../../support/free-port.ts';
import { startTestProvider, type TestProvider } from '../../support/provider.ts';
import { startReceiver, type Receiver } from '../../logout/fixtures.ts';

export const redirectUri = 'http://127.0.0.1:8080/callback';
export const postLogoutRedirectUri = 'http://127.0.0.1:8080/logged-out';
export const alice = { username: 'alice', password: 'alice-password' };
export const aliceSub = 'alice-sub';
export const webSecret = 'web-secret-web-secret-web-secret';
export const jwtClientSecret = 'jwt-at-secret-jwt-at-secret-jwt-at';
export const initialAccessToken = 'contract-initial-access-token';

/** One emission: the event name and its listener arguments. */
export interface Emitted {
  name: EventName;
  args: unknown[];
}

/** Events some situation of an area asserted, across all areas of the suite. */
export const covered = new Set<EventName>();

/** Records every event of an emitter, in order; `take()` hands out what came since the last take. */
export class EventLog {
  readonly #events: Emitted[] = [];
  #from = 0;

  constructor(emitter: ProviderEmitter) {
    for (const name of eventNames) {
      emitter.on(name, (...args: unknown[]) => {
        this.#events.push({ name, args });
      });
    }
  }

  /** Everything emitted since the last call, each checked against the contract's argument shapes. */
  take(): Emitted[] {
    const events = this.#events.slice(this.#from);
    this.#from = this.#events.length;
    for (const event of events) assertContractShape(event);
    return events;
  }
}

/** Listener argument names per event (docs/events.md, same as EVENTS.md). */
const argumentNames: Record<EventName, readonly string[]> = Object.fromEntries(
  eventNames.map((name) => [name, []]),
) as unknown as Record<EventName, readonly string[]>;

/** Loads the argument names of every event from docs/events.md (once, by the entry test). */
export function setDocumentedArguments(table: ReadonlyMap<string, string[]>): void {
  for (const name of eventNames) {
    const names = table.get(name);
    assert.ok(names, `docs/events.md documents ${name}`);
    argumentNames[name] = names;
  }
}

/** The model kind each lifecycle event prefix carries. */
const kindOf: Record<string, string> = {
  access_token: 'AccessToken',
  authorization_code: 'AuthorizationCode',
  refresh_token: 'RefreshToken',
  client_credentials: 'ClientCredentials',
  device_code: 'DeviceCode',
  session: 'Session',
  interaction: 'Interaction',
  replay_detection: 'ReplayDetection',
  pushed_authorization_request: 'PushedAuthorizationRequest',
  initial_access_token: 'InitialAccessToken',
  registration_access_token: 'RegistrationAccessToken',
};

/** Route ids a context may name (the `endpoint` of metrics and the stream). */
const routes = new Set([
  'authorization',
  'token',
  'userinfo',
  'discovery',
  'jwks',
  'end_session',
  'interaction',
  'device_authorization',
  'device_verification',
  'pushed_authorization_request',
  'registration',
  'introspection',
  'revocation',
]);

/** Request parameters that are secrets: never in `ctx.oidc.params`. */
const secretParameters = [
  'code',
  'code_verifier',
  'refresh_token',
  'client_secret',
  'client_assertion',
  'token',
  'device_code',
  'password',
  'id_token_hint',
];

function assertContext(event: string, value: unknown): asserts value is RequestContext {
  const ctx = value as Partial<RequestContext> | undefined;
  assert.equal(typeof ctx?.requestId, 'string', `${event}: ctx.requestId`);
  assert.equal(typeof ctx?.method, 'string', `${event}: ctx.method`);
  assert.equal(typeof ctx?.path, 'string', `${event}: ctx.path`);
  assert.equal(typeof ctx?.ip, 'string', `${event}: ctx.ip`);
  assert.ok(routes.has(ctx?.oidc?.route ?? ''), `${event}: ctx.oidc.route ${String(ctx?.oidc?.route)} is a route`);
  const params = ctx?.oidc?.params;
  assert.equal(typeof params, 'object', `${event}: ctx.oidc.params`);
  for (const [name, param] of Object.entries(params ?? {})) {
    assert.equal(typeof param, 'string', `${event}: ctx.oidc.params.${name}`);
    assert.ok(!secretParameters.includes(name), `${event}: ctx.oidc.params never carries ${name}`);
  }
  const client = ctx?.oidc?.client;
  if (client !== undefined) assertClient(event, client);
}

function assertClient(event: string, value: unknown): void {
  const client = value as { clientId?: unknown; metadata?: Record<string, unknown> } | undefined;
  assert.equal(typeof client?.clientId, 'string', `${event}: client.clientId`);
  assert.equal(typeof client?.metadata, 'object', `${event}: client.metadata`);
  assert.equal(client?.metadata?.client_id, client?.clientId, `${event}: client.metadata.client_id`);
  assert.ok(!('client_secret' in (client?.metadata ?? {})), `${event}: a client never carries its secret`);
}

/** Checks one emission's arguments against the names docs/events.md gives them. */
export function assertContractShape({ name, args }: Emitted): void {
  const names = argumentNames[name];
  assert.equal(args.length, names.length, `${name} has the arguments (${names.join(', ')})`);
  names.forEach((argument, index) => {
    const value = args[index];
    switch (argument) {
      case 'ctx':
        assertContext(name, value);
        break;
      case 'error':
        if (name === 'server_error') {
          assert.ok(value instanceof Error, `${name}: error is an Error`);
          assert.ok(!(value instanceof OIDCError && value.expose), `${name}: never a handled (exposed) error`);
        } else if (name === 'backchannel.error') {
          assert.ok(value instanceof Error, `${name}: error is an Error`);
        } else {
          assert.ok(value instanceof OIDCError, `${name}: error is an OIDCError`);
          assert.ok(value.expose && knownErrorCodes.has(value.error), `${name}: handled error ${value.error}`);
        }
        break;
      case 'client':
        assertClient(name, value);
        break;
      case 'grantId':
      case 'accountId':
      case 'sid':
        assert.ok(typeof value === 'string' && value.length > 0, `${name}: ${argument} is a non-empty string`);
        break;
      case 'prompt': {
        const prompt = value as { name?: unknown; reasons?: unknown };
        assert.ok(prompt.name === 'login' || prompt.name === 'consent', `${name}: prompt.name`);
        assert.ok(Array.isArray(prompt.reasons) && prompt.reasons.length > 0, `${name}: prompt.reasons`);
        break;
      }
      default: {
        const expected = kindOf[name.slice(0, name.lastIndexOf('.'))];
        assert.ok(expected && (modelNames as readonly string[]).includes(expected), `${name}: ${argument} has a kind`);
        const record = value as { kind?: unknown; jti?: unknown; iat?: unknown; exp?: unknown };
        assert.equal(record.kind, expected, `${name}: ${argument}.kind`);
        assert.ok(typeof record.jti === 'string' && record.jti.length > 0, `${name}: ${argument}.jti`);
        assert.equal(typeof record.iat, 'number', `${name}: ${argument}.iat`);
        assert.ok(typeof record.exp === 'number' && record.exp > (record.iat as number), `${name}: ${argument}.exp`);
      }
    }
  });
}

/** What one expected emission must be: its name, and optionally a check of its arguments. */
export type Expected = EventName | [EventName, (...args: never[]) => void];

/**
 * Asserts that `actual` is exactly `expected` — the same names in the same order, nothing left out or added — then runs
 * each expectation's check on its arguments, and records the names as covered.
 */
export function expectEvents(actual: readonly Emitted[], expected: readonly Expected[]): void {
  assert.deepEqual(
    actual.map((event) => event.name),
    expected.map((entry) => (typeof entry === 'string' ? entry : entry[0])),
  );
  expected.forEach((entry, index) => {
    if (typeof entry !== 'string') (entry[1] as (...args: unknown[]) => void)(...(actual[index]?.args ?? []));
  });
  for (const event of actual) covered.add(event.name);
}

/** Check: the context is of `route` (and names `clientId` when given; `null`: no client). */
export function at(route: string, clientId?: string | null): (ctx: RequestContext) => void {
  return (ctx) => {
    assert.equal(ctx.oidc.route, route);
    if (clientId === null) assert.equal(ctx.oidc.client, undefined);
    else if (clientId !== undefined) assert.equal(ctx.oidc.client?.clientId, clientId);
  };
}

/** Check of `(ctx, error)`: the route and the RFC error code (and the client when given). */
export function failed(
  route: string,
  code: string,
  clientId?: string | null,
): (ctx: RequestContext, error: OIDCError) => void {
  return (ctx, error) => {
    at(route, clientId)(ctx);
    assert.equal(error.error, code);
  };
}

/** Check of a model argument: these fields have these values. */
export function record(fields: Record<string, unknown>): (model: Record<string, unknown>) => void {
  return (model) => {
    for (const [name, value] of Object.entries(fields)) assert.deepEqual(model[name], value, name);
  };
}

type ManualClock = ReturnType<typeof manualClock>;

/** The contract provider and what the areas need of it. */
export interface ContractProvider extends TestProvider {
  log: EventLog;
  clock: ManualClock;
  receiver: Receiver;
  clientKey: { privateKey: CryptoKey; publicJwk: JWK };
}

/**
 * A provider with every feature on, account `alice`, and clients: `web` (client_secret_basic, every grant, post-logout
 * URI, back-channel receiver), `down` (back-channel URI nobody answers), `pkjwt` (private_key_jwt), `jwt-at` (JWT
 * access tokens), `tv` (public device client); registration with the static initial access token above.
 */
export async function startContractProvider(): Promise<ContractProvider> {
  const clock = manualClock(Date.now());
  const receiver = await startReceiver();
  const nobody = `http://127.0.0.1:${String(await freePort())}/backchannel`;
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'contract-key', alg: 'ES256', use: 'sig' };
  const scope = 'openid profile email offline_access';
  const userGrants = ['authorization_code', 'refresh_token'];
  const provider = await startTestProvider(
    {
      // The back-channel receivers of these tests listen on loopback, which the outbound policy refuses by default.
      outbound: { allow: ['127.0.0.0/8'] },
      features: {
        registration: {
          enabled: true,
          initialAccessToken: true,
          initialAccessTokens: [{ sha256: staticTokenHash(initialAccessToken), policies: ['client_id'] }],
        },
        introspection: { enabled: true },
        revocation: { enabled: true },
        deviceFlow: { enabled: true },
        pushedAuthorizationRequests: { enabled: true, required: false },
        backchannelLogout: { enabled: true },
        rpInitiatedLogout: { enabled: true },
        claimsParameter: { enabled: true },
        resourceIndicators: { enabled: true },
        jwtAccessTokens: { enabled: true },
      },
      accounts: {
        records: [
          {
            username: alice.username,
            password_hash: await hashPassword(alice.password, { N: 1024, r: 8, p: 1 }),
            sub: aliceSub,
            claims: { name: 'Alice Example', email: 'alice@example.com' },
          },
        ],
      },
      clients: [
        {
          client_id: 'web',
          client_secret: webSecret,
          redirect_uris: [redirectUri],
          post_logout_redirect_uris: [postLogoutRedirectUri],
          grant_types: [...userGrants, 'client_credentials', deviceCodeGrantType],
          scope,
          backchannel_logout_uri: receiver.url,
        },
        {
          client_id: 'down',
          client_secret: 'down-secret-down-secret-down-secret',
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          scope: 'openid',
          backchannel_logout_uri: nobody,
        },
        {
          client_id: 'pkjwt',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [publicJwk] },
          grant_types: ['client_credentials'],
          scope: 'profile',
        },
        {
          client_id: 'jwt-at',
          client_secret: jwtClientSecret,
          redirect_uris: [redirectUri],
          grant_types: [...userGrants, 'client_credentials'],
          scope,
          access_token_format: 'jwt',
        },
        { client_id: 'tv', token_endpoint_auth_method: 'none', grant_types: [deviceCodeGrantType], scope },
      ],
    },
    { clock },
  );
  const log = new EventLog(provider.events);
  return {
    ...provider,
    log,
    clock,
    receiver,
    clientKey: { privateKey, publicJwk },
    async stop() {
      await provider.stop();
      await receiver.close();
    },
  };
}

/** `Authorization: Basic` for a client id and secret (RFC 6749 §2.3.1 form-encoding). */
export function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** A form POST; resolves status and JSON body (empty object for an empty body). */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  authorization?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
