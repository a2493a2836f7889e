/**
 * A provider for the front-channel tests: accounts `alice` and `bob` (cheap scrypt cost so tests stay fast), a
 * confidential client `web`, a public client `spa` and a client `wide` allowed every scope, all redirecting to a
 * loopback URI nobody listens on (the browserless client stops at the redirect, which is the response).
 */
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword } from '../../provider/accounts/password.ts';
import type { EventName } from '../../provider/events/events.ts';
import { eventNames } from '../../provider/events/events.ts';
import type { StartOptions } from '../../provider/runtime.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

export const redirectUri = 'http://127.0.0.1:9/callback';
export const passwords = { alice: 'alice-password', bob: 'bob-password' } as const;

export async function startFrontChannelProvider(
  overrides: Record<string, unknown> = {},
  options: StartOptions = {},
): Promise<TestProvider> {
  const cost = { N: 2 ** 10, r: 8, p: 1 };
  return startTestProvider(
    {
      accounts: {
        records: [
          {
            username: 'alice',
            password_hash: await hashPassword(passwords.alice, cost),
            sub: 'sub-alice',
            claims: { name: 'Alice Example', preferred_username: 'alice', email: 'alice@example.com' },
          },
          {
            username: 'bob',
            password_hash: await hashPassword(passwords.bob, cost),
            sub: 'sub-bob',
            claims: { name: 'Bob Example' },
          },
        ],
      },
      clients: [
        {
          client_id: 'web',
          client_secret: 'web-secret-web-secret-web-secret',
          client_name: 'Web <App> & Co',
          redirect_uris: [redirectUri, 'http://127.0.0.1:9/other?keep=1'],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code', 'none'],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'openid profile email offline_access',
        },
        {
          client_id: 'spa',
          client_name: 'Single-page app',
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          scope: 'openid profile',
        },
      ],
      ...overrides,
    },
    options,
  );
}

/** A PKCE pair (RFC 7636, S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An authorization URL for the provider with these parameters (defaults: client `web`, code flow, openid). */
export function authorizationUrl(provider: TestProvider, params: Record<string, string> = {}): URL {
  const url = new URL('/authorize', provider.issuer);
  const all = { client_id: 'web', redirect_uri: redirectUri, response_type: 'code', scope: 'openid', ...params };
  for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value);
  return url;
}

/** Records every event the provider emits: name and arguments, in order. */
export function recordEvents(provider: TestProvider): { name: EventName; args: unknown[] }[] {
  const seen: { name: EventName; args: unknown[] }[] = [];
  for (const name of eventNames) {
    provider.events.on(name, (...args: unknown[]) => {
      seen.push({ name, args });
    });
  }
  return seen;
}
