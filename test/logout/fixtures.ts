/**
 * A provider for the logout tests: accounts `alice` and `bob` (cheap scrypt cost), RP-initiated and back-channel
 * logout on, and three clients — `web` (back-channel receiver given by the test), `spa` (no back-channel URI) and
 * `down` (a back-channel URI on a loopback port nobody listens on) — plus a tiny back-channel receiver on 127.0.0.1
 * that records every POST and answers 200.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { hashPassword } from '../../provider/accounts/password.ts';
import type { StartOptions } from '../../provider/runtime.ts';
import { browserlessLogin, type BrowserlessClient } from '../support/browserless-login.ts';
import { freePort } from '../support/free-port.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

export const redirectUri = 'http://127.0.0.1:9/callback';
export const postLogoutRedirectUri = 'http://127.0.0.1:9/signed-out?from=op';
export const passwords = { alice: 'alice-password', bob: 'bob-password' } as const;
export const webSecret = 'web-secret-web-secret-web-secret';

/** A back-channel logout receiver: what it was sent, in order. */
export interface Receiver {
  url: string;
  received: { contentType: string | undefined; body: URLSearchParams }[];
  close(): Promise<void>;
}

export async function startReceiver(status = 200): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        contentType: req.headers['content-type'],
        body: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
      });
      res.statusCode = status;
      res.setHeader('cache-control', 'no-store');
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/backchannel`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export async function startLogoutProvider(
  receiverUrl: string,
  overrides: Record<string, unknown> = {},
  options: StartOptions = {},
): Promise<TestProvider> {
  const cost = { N: 2 ** 10, r: 8, p: 1 };
  const nobody = `http://127.0.0.1:${String(await freePort())}/backchannel`;
  return startTestProvider(
    {
      features: { rpInitiatedLogout: { enabled: true }, backchannelLogout: { enabled: true } },
      // The receivers are on loopback, which the outbound policy refuses unless allowed (docs/security.md).
      outbound: { allow: ['127.0.0.0/8'] },
      accounts: {
        records: [
          {
            username: 'alice',
            password_hash: await hashPassword(passwords.alice, cost),
            sub: 'sub-alice',
            claims: { name: 'Alice Example', preferred_username: 'alice' },
          },
          {
            username: 'bob',
            password_hash: await hashPassword(passwords.bob, cost),
            sub: 'sub-bob',
          },
        ],
      },
      clients: [
        {
          client_id: 'web',
          client_secret: webSecret,
          client_name: 'Web App',
          redirect_uris: [redirectUri],
          post_logout_redirect_uris: [postLogoutRedirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'openid profile offline_access',
          backchannel_logout_uri: receiverUrl,
          backchannel_logout_session_required: true,
        },
        {
          client_id: 'spa',
          client_name: 'Single-page app',
          redirect_uris: [redirectUri],
          post_logout_redirect_uris: [postLogoutRedirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          scope: 'openid profile',
        },
        {
          client_id: 'down',
          client_secret: 'down-secret-down-secret-down-secret',
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'openid',
          backchannel_logout_uri: nobody,
        },
      ],
      ...overrides,
    },
    options,
  );
}

/** openid-client configured for a confidential fixture client (plain http allowed: the issuer is loopback). */
export function relyingParty(
  provider: TestProvider,
  clientId = 'web',
  secret = webSecret,
): Promise<client.Configuration> {
  return client.discovery(
    new URL(provider.issuer),
    clientId,
    { redirect_uris: [redirectUri] },
    clientId === 'spa' ? client.None() : client.ClientSecretBasic(secret),
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    { execute: [client.allowInsecureRequests] },
  );
}

/** Signs in through the real pages (sharing `browser`'s cookies) and redeems the code; returns the tokens. */
export async function signIn(
  config: client.Configuration,
  browser: BrowserlessClient,
  scope = 'openid profile',
  user: keyof typeof passwords = 'alice',
): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    nonce,
  });
  const response = await browserlessLogin(url, { username: user, password: passwords[user], client: browser });
  return client.authorizationCodeGrant(config, response.url, {
    pkceCodeVerifier: codeVerifier,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
}

/** An authorization URL with `prompt=none` for a client: answers with a code when a session exists. */
export function silentAuthorizationUrl(provider: TestProvider, clientId = 'web'): URL {
  const url = new URL('/authorize', provider.issuer);
  const params = {
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    prompt: 'none',
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}
