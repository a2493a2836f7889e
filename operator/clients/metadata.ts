/**
 * OIDCClient spec → client metadata for the registration endpoint (OpenID Connect Dynamic Client Registration 1.0 §2,
 * RFC 7591 §2 names). Pure. Defaults the CRD declares are applied here too, so a spec read from anywhere maps the
 * same way, and so the metadata of an unchanged spec is byte-for-byte the same (its hash decides whether to update).
 */
import { createHash } from 'node:crypto';
import { OIDC_CLIENT_DEFAULTS, type OIDCClientSpec } from '../kube/crds.ts';
import type { ClientMetadata } from './registration-api.ts';

/**
 * Metadata for `spec`. `client_id` is included when the spec names one (the provider registers the client under
 * it, and a lost client comes back under the same id). Lifetimes travel as the extension members
 * `access_token_lifetime`, `refresh_token_lifetime` and `id_token_lifetime` (seconds); a provider that does not know
 * them ignores them (RFC 7591 §2).
 */
export function clientMetadata(spec: OIDCClientSpec): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  const set = (name: string, value: unknown): void => {
    if (value !== undefined) metadata[name] = value;
  };
  set('client_id', spec.clientId);
  set('client_name', spec.clientName);
  set('redirect_uris', spec.redirectUris);
  set('post_logout_redirect_uris', spec.postLogoutRedirectUris);
  set('grant_types', spec.grantTypes ?? [...OIDC_CLIENT_DEFAULTS.grantTypes]);
  set('response_types', spec.responseTypes);
  set('scope', (spec.scopes ?? OIDC_CLIENT_DEFAULTS.scopes).join(' '));
  set('token_endpoint_auth_method', spec.tokenEndpointAuthMethod ?? OIDC_CLIENT_DEFAULTS.tokenEndpointAuthMethod);
  set('jwks', spec.jwks);
  set('jwks_uri', spec.jwksUri);
  set('backchannel_logout_uri', spec.backchannelLogoutUri);
  set('access_token_format', spec.accessTokenFormat ?? OIDC_CLIENT_DEFAULTS.accessTokenFormat);
  set('id_token_signed_response_alg', spec.idTokenSignedResponseAlg);
  set('access_token_lifetime', spec.lifetimes?.accessToken);
  set('refresh_token_lifetime', spec.lifetimes?.refreshToken);
  set('id_token_lifetime', spec.lifetimes?.idToken);
  return metadata;
}

/** Whether the method authenticates with a client secret the provider issues (and the Secret must carry). */
export function usesClientSecret(spec: OIDCClientSpec): boolean {
  const method = spec.tokenEndpointAuthMethod ?? OIDC_CLIENT_DEFAULTS.tokenEndpointAuthMethod;
  return method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt';
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** SHA-256 (base64url) of the metadata in canonical JSON: equal metadata, equal hash, whatever the member order. */
export function metadataHash(metadata: ClientMetadata): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(metadata)))
    .digest('base64url');
}
