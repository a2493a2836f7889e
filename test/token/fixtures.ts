/**
 * Fixtures for back-channel tests: a provider with one client per authentication method, an account, and a way to
 * seed a grant and an authorization code directly in the provider's storage (as the authorization endpoint would),
 * so the token endpoint can be tested on its own. The relying-party suite (test/e2e) gets codes through the real
 * browser forms instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { hashPassword } from '../../provider/accounts/password.ts';
import type { EventName } from '../../provider/events/events.ts';
import { eventNames } from '../../provider/events/events.ts';
import { ModelRepository } from '../../provider/models/repository.ts';
import type { AuthorizationCode, Grant } from '../../provider/models/types.ts';
import { epochSeconds, systemClock, type Clock } from '../../provider/time/clock.ts';
import { newOpaqueToken } from '../../provider/tokens/opaque.ts';
import type { StartOptions } from '../../provider/runtime.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

export const redirectUri = 'http://127.0.0.1:8080/callback';
export const jwtSecret = 'a-client-secret-of-at-least-32-bytes-for-hs256';
export const basicSecret = 'b@sic:secret+with%special ü';

export interface BackChannelProvider extends TestProvider {
  /** Private key of the private_key_jwt client (ES256), and the public JWK registered for it. */
  clientKey: { privateKey: CryptoKey; publicJwk: JWK };
  models: ModelRepository;
  /** Every event emitted, in order. */
  seen: { name: EventName; args: unknown[] }[];
  clock: Clock;
}

const userGrants = ['authorization_code', 'refresh_token'];
const scope = 'openid profile email address phone offline_access';

/** A provider with clients `basic`, `post`, `jwt`, `pkjwt`, `public`, `service`, `no-refresh`. */
export async function startBackChannelProvider(
  overrides: Record<string, unknown> = {},
  options: StartOptions & { clock?: Clock } = {},
): Promise<BackChannelProvider> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'client-key-1', alg: 'ES256', use: 'sig' };
  // Every confidential client may also use client_credentials (the relying-party suite runs it per method).
  const common = { redirect_uris: [redirectUri], grant_types: [...userGrants, 'client_credentials'], scope };
  const clients = [
    { client_id: 'basic', client_secret: basicSecret, ...common },
    { client_id: 'post', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post', ...common },
    { client_id: 'jwt', client_secret: jwtSecret, token_endpoint_auth_method: 'client_secret_jwt', ...common },
    { client_id: 'pkjwt', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] }, ...common },
    { client_id: 'public', token_endpoint_auth_method: 'none', ...common, grant_types: userGrants },
    {
      client_id: 'service',
      client_secret: 'service-secret',
      grant_types: ['client_credentials'],
      scope: 'profile email',
    },
    { client_id: 'no-refresh', client_secret: 'nr-secret', ...common, grant_types: ['authorization_code'] },
  ];
  const account = {
    username: 'alice',
    password_hash: await hashPassword('alice-password', { N: 1024, r: 8, p: 1 }),
    sub: 'alice-sub',
    claims: {
      name: 'Alice Example',
      email: 'alice@example.com',
      email_verified: true,
      phone_number: '+1 555 0100',
      address: { country: 'DE' },
    },
  };
  const provider = await startTestProvider({ clients, accounts: { records: [account] }, ...overrides }, options);
  const seen: BackChannelProvider['seen'] = [];
  for (const name of eventNames) provider.events.on(name, (...args: unknown[]) => seen.push({ name, args }));
  const clock = options.clock ?? systemClock;
  const models = new ModelRepository({ storage: provider.storage, events: provider.events, clock });
  return { ...provider, clientKey: { privateKey, publicJwk }, models, seen, clock };
}

/** A PKCE pair (S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface SeededCode {
  code: string;
  grantId: string;
  record: AuthorizationCode;
}

/** Stores a grant and an authorization code for `clientId` as the authorization endpoint would. */
export async function seedCode(
  provider: BackChannelProvider,
  options: {
    clientId: string;
    scope?: string;
    nonce?: string;
    codeChallenge?: string;
    claims?: string;
    grantClaims?: string[];
    grantId?: string;
  },
): Promise<SeededCode> {
  const now = epochSeconds(provider.clock);
  const grantId = options.grantId ?? randomBytes(16).toString('base64url');
  const scope = options.scope ?? 'openid profile email offline_access';
  const grant: Grant = {
    jti: grantId,
    kind: 'Grant',
    iat: now,
    exp: now + 3600,
    accountId: 'alice-sub',
    clientId: options.clientId,
    scopes: scope.split(' '),
    claims: options.grantClaims ?? [],
    resources: {},
  };
  await provider.models.save(grant);
  const { value, id } = newOpaqueToken();
  const record: AuthorizationCode = {
    jti: id,
    kind: 'AuthorizationCode',
    iat: now,
    exp: now + provider.config.ttl.authorizationCode,
    accountId: 'alice-sub',
    clientId: options.clientId,
    grantId,
    scope,
    redirectUri,
    sid: 'sid-1',
    sessionUid: 'session-uid-1',
    authTime: now - 5,
    amr: ['pwd'],
  };
  if (options.nonce) record.nonce = options.nonce;
  if (options.claims) record.claims = options.claims;
  if (options.codeChallenge) {
    record.codeChallenge = options.codeChallenge;
    record.codeChallengeMethod = 'S256';
  }
  await provider.models.save(record);
  return { code: value, grantId, record };
}

export function basicAuth(id: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

/** POSTs a form to the token endpoint. */
export async function tokenRequest(
  provider: TestProvider,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${provider.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Credentials of the `basic` client, in the form `tokenRequest` takes as headers. */
export const basicClient = { authorization: basicAuth('basic', basicSecret) };

/** GETs userinfo with a bearer token. */
export async function userinfo(
  provider: TestProvider,
  token: string,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${provider.issuer}/userinfo`, { headers: { authorization: `Bearer ${token}` } });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}
