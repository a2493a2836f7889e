/** Paths of the provider's endpoints, relative to the issuer. One table so discovery and routing agree. */
export const paths = {
  discovery: '/.well-known/openid-configuration',
  oauthMetadata: '/.well-known/oauth-authorization-server',
  jwks: '/jwks',
  authorization: '/authorize',
  token: '/token',
  userinfo: '/userinfo',
  endSession: '/logout',
  registration: '/register',
  introspection: '/introspect',
  revocation: '/revoke',
  deviceAuthorization: '/device/authorize',
  deviceVerification: '/device',
  pushedAuthorization: '/par',
  interaction: '/interaction',
  live: '/healthz/live',
  ready: '/healthz/ready',
} as const;

/** Absolute URL of an endpoint under the issuer (the issuer may have a path). */
export function endpointUrl(issuer: string, path: string): string {
  return `${issuer.replace(/\/$/, '')}${path}`;
}
