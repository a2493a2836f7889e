/**
 * Validates `scope`: required. Scopes the provider does not know are dropped (RFC 6749 §3.3 lets the server grant
 * less than asked); a known scope the client is not registered for is refused with `invalid_scope`. OpenID Connect
 * requests carry `openid`; a request without it is plain OAuth 2.0 and gets no ID token, so `openid` is required only
 * where the request is an OIDC one by nature — when it uses OIDC-only parameters (`nonce`, `id_token_hint`, `claims`,
 * `max_age`) — and `offline_access` only means something next to `openid` (OIDC Core §11).
 */
import type { ProviderConfig } from '../../config/options.ts';
import { InvalidRequest, InvalidScope } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

/** The scopes each configuration supports, built once per configuration (it never changes once loaded). */
const knownScopes = new WeakMap<ProviderConfig, ReadonlySet<string>>();

function knownScopesOf(config: ProviderConfig): ReadonlySet<string> {
  let known = knownScopes.get(config);
  if (known === undefined) {
    known = new Set(['openid', ...config.scopes]);
    knownScopes.set(config, known);
  }
  return known;
}

/** The requested scopes the provider supports, de-duplicated, in request order. */
export function supportedScopes(scope: string, config: ProviderConfig): string[] {
  const known = knownScopesOf(config);
  return [...new Set(scope.split(' ').filter((value) => known.has(value)))];
}

const oidcOnlyParameters = ['nonce', 'id_token_hint', 'claims', 'max_age'] as const;

export const checkScope: AuthorizationCheck = (request, { config }) => {
  const scope = request.params.scope;
  if (scope === undefined) throw new InvalidRequest("missing required parameter 'scope'");
  const scopes = supportedScopes(scope, config);
  const openid = scopes.includes('openid');
  const oidcParameter = oidcOnlyParameters.find((name) => request.params[name] !== undefined);
  if (!openid && oidcParameter !== undefined) {
    throw new InvalidRequest(`'${oidcParameter}' is an OpenID Connect parameter and needs the openid scope`);
  }
  const client = request.client;
  const notAllowed = scopes.find((value) => value !== 'openid' && client && !client.scopes.has(value));
  if (notAllowed !== undefined) throw new InvalidScope(`scope '${notAllowed}' is not allowed for this client`);
  const granted = openid ? scopes : scopes.filter((value) => value !== 'offline_access');
  if (granted.length === 0) throw new InvalidScope('none of the requested scopes is supported');
  request.scopes = granted;
};
