import type { AccountRecord, StaticClient } from './options.ts';

/**
 * The embedded development default used by `npm start` when no configuration file is given: a demo account, three
 * demo clients and every feature on. Never used when `KUBEOIDC_CONFIG` is set. Printed loudly at start as development-only.
 */
export const DEMO_ACCOUNT_PASSWORD = 'demo';

/**
 * The development initial access token (docs/registration.md): registration is on in the development default so that
 * `curl -H 'Authorization: Bearer demo-initial-access-token' …/register` works out of the box, like the demo client's
 * well-known secret. Only its SHA-256 is configured.
 */
export const DEMO_INITIAL_ACCESS_TOKEN = 'demo-initial-access-token';

/**
 * Every feature on, so a newcomer sees the whole provider: the device flow, PAR (not required), back-channel logout,
 * resource indicators, JWT access tokens (for `demo-jwt`), registration with the demo token, introspection,
 * revocation and RP-initiated logout (the demo clients register post-logout redirect URIs).
 */
export function devFeatures(initialAccessTokenSha256: string): Record<string, unknown> {
  return {
    introspection: { enabled: true },
    revocation: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    deviceFlow: { enabled: true },
    pushedAuthorizationRequests: { enabled: true, required: false },
    backchannelLogout: { enabled: true },
    resourceIndicators: { enabled: true },
    jwtAccessTokens: { enabled: true },
    claimsParameter: { enabled: true },
    registration: {
      enabled: true,
      initialAccessToken: true,
      initialAccessTokens: [{ sha256: initialAccessTokenSha256, policies: ['client_id'] }],
    },
  };
}

/** Redirect URIs of the demo clients. */
const demoRedirectUris = ['http://localhost:8080/callback', 'http://127.0.0.1:8080/callback'];
/** Where the demo clients may send the browser after logout. */
const demoPostLogoutRedirectUris = [
  'http://localhost:8080/logged-out',
  'http://127.0.0.1:8080/logged-out',
  'http://localhost:8080/',
  'http://127.0.0.1:8080/',
];

export const devClients: StaticClient[] = [
  {
    client_id: 'demo',
    client_secret: 'demo-secret',
    client_name: 'Demo confidential client',
    redirect_uris: demoRedirectUris,
    post_logout_redirect_uris: demoPostLogoutRedirectUris,
    grant_types: [
      'authorization_code',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
    ],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid profile email address phone offline_access',
  },
  {
    client_id: 'demo-spa',
    client_name: 'Demo single-page app (public, PKCE)',
    redirect_uris: demoRedirectUris,
    post_logout_redirect_uris: demoPostLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: 'openid profile email offline_access',
  },
  {
    client_id: 'demo-jwt',
    client_secret: 'demo-jwt-secret',
    client_name: 'Demo client with JWT access tokens (RFC 9068)',
    redirect_uris: demoRedirectUris,
    post_logout_redirect_uris: demoPostLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    access_token_format: 'jwt',
    scope: 'openid profile email offline_access',
  },
];

/** The demo account's record without its hash: the hash is made at start (`demoAccount`). */
export function demoAccount(passwordHash: string): AccountRecord {
  return {
    username: 'demo',
    password_hash: passwordHash,
    sub: 'demo-0001',
    claims: {
      name: 'Demo User',
      given_name: 'Demo',
      family_name: 'User',
      preferred_username: 'demo',
      email: 'demo@example.com',
      email_verified: true,
      locale: 'en',
      zoneinfo: 'Europe/Berlin',
      address: { street_address: '1 Example Street', locality: 'Example City', postal_code: '12345', country: 'DE' },
      phone_number: '+49 30 1234567',
      phone_number_verified: false,
    },
  };
}
