/**
 * The clients both servers are given, so every scenario sends the same request to each:
 * - `bench`: client_credentials with opaque access tokens (also introspects and revokes its own tokens);
 * - `bench-jwt`: client_credentials with JWT access tokens (RFC 9068) — kubeoidc by `access_token_format`,
 *   oidc-provider by a resource server it defaults to (`servers/oidc-provider.ts`);
 * - `bench-web`: authorization code + PKCE through the HTML forms, refresh tokens (rotated) and the device grant.
 */
export const redirectUri = 'http://127.0.0.1:8080/callback';

const secretBasic = { token_endpoint_auth_method: 'client_secret_basic' };

export const benchClient = {
  client_id: 'bench',
  client_secret: 'bench-secret-0123456789abcdef',
  redirect_uris: [redirectUri],
  grant_types: ['client_credentials'],
  response_types: [],
  scope: 'api:read',
  ...secretBasic,
};

export const benchJwtClient = {
  client_id: 'bench-jwt',
  client_secret: 'bench-jwt-secret-0123456789abcdef',
  redirect_uris: [redirectUri],
  grant_types: ['client_credentials'],
  response_types: [],
  scope: 'api:read',
  ...secretBasic,
};

export const benchWebClient = {
  client_id: 'bench-web',
  client_secret: 'bench-web-secret-0123456789abcdef',
  redirect_uris: [redirectUri],
  grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
  response_types: ['code'],
  scope: 'openid offline_access',
  ...secretBasic,
};

/** Scopes both servers know. */
export const benchScopes = ['openid', 'offline_access', 'api:read'];

/** `Authorization: Basic …` of a client (RFC 6749 §2.3.1 form-encodes id and secret first). */
export function basicAuthorizationOf(client: { client_id: string; client_secret: string }): string {
  const encode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(client.client_id)}:${encode(client.client_secret)}`).toString('base64')}`;
}

export const basicAuthorization = basicAuthorizationOf(benchClient);
