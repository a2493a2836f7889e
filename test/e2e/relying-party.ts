/**
 * The relying party of the end-to-end suites: `openid-client` v6 configured for one of our clients and one client
 * authentication method, and a complete sign-in — authorization URL with PKCE, nonce and state; login and consent
 * submitted through the provider's real HTML forms (test/support/browserless-login.ts); code exchange; userinfo;
 * refresh; client credentials. Each step returns what the relying party got, including the secrets, so tests can
 * assert that they never appear where they must not.
 */
import * as client from 'openid-client';
import { cookieNames } from '../../provider/sessions/cookies.ts';
import { browserlessLogin } from '../support/browserless-login.ts';
import { basicSecret, jwtSecret, redirectUri, type BackChannelProvider } from '../token/fixtures.ts';

export type AuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/** Our fixture client per method, and the openid-client authentication for it. */
export function relyingPartyClient(
  provider: BackChannelProvider,
  method: AuthMethod,
): { clientId: string; auth: client.ClientAuth } {
  switch (method) {
    case 'client_secret_basic':
      return { clientId: 'basic', auth: client.ClientSecretBasic(basicSecret) };
    case 'client_secret_post':
      return { clientId: 'post', auth: client.ClientSecretPost('post-secret') };
    case 'client_secret_jwt':
      return { clientId: 'jwt', auth: client.ClientSecretJwt(jwtSecret) };
    case 'private_key_jwt':
      return {
        clientId: 'pkjwt',
        auth: client.PrivateKeyJwt({ key: provider.clientKey.privateKey, kid: 'client-key-1' }),
      };
    case 'none':
      return { clientId: 'public', auth: client.None() };
  }
}

/** Discovery (OIDC Discovery 1.0) from the issuer, plain http allowed only because the test issuer is loopback. */
export async function discover(provider: BackChannelProvider, method: AuthMethod): Promise<client.Configuration> {
  const { clientId, auth } = relyingPartyClient(provider, method);
  return client.discovery(new URL(provider.issuer), clientId, { redirect_uris: [redirectUri] }, auth, {
    // The test issuer is plain http on loopback, which is exactly what this opt-in is for.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
}

export interface SignIn {
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  code: string;
  codeVerifier: string;
  nonce: string;
  state: string;
  /** The session cookie values the browser held. */
  cookies: string[];
}

/** A user signs in through the real login and consent pages; the relying party redeems the code. */
export async function signIn(
  config: client.Configuration,
  user: { username: string; password: string },
  scope = 'openid profile email offline_access',
): Promise<SignIn> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    prompt: 'consent',
  });
  const response = await browserlessLogin(url, user);
  const code = response.params.get('code');
  if (!code) throw new Error(`no code in the authorization response: ${response.params.toString()}`);
  const tokens = await client.authorizationCodeGrant(config, response.url, {
    pkceCodeVerifier: codeVerifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
  const cookies = Object.values(cookieNames)
    .map((name) => response.client.jar.get(name))
    .filter((value): value is string => value !== undefined);
  return { tokens, code, codeVerifier, nonce, state, cookies };
}
