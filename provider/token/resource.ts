import type { ProviderConfig } from '../config/options.ts';
import { InvalidTarget } from '../errors/oidc-error.ts';

/**
 * Resource indicators at the token endpoint (RFC 8707 §2.2), with `features.resourceIndicators` on: the `resource`
 * parameter selects the audience of the access token — `aud` of a JWT access token, `aud` stored with an opaque one and
 * returned by introspection. One resource per request (a repeated parameter is `invalid_request`, as everywhere).
 * The rules, per grant:
 * - authorization_code, device_code and refresh_token: the resource must be the one the end-user consented to in the
 *   authorization (or device authorization) request, carried by the code, then by each refresh token; without the
 *   parameter that one is used. Naming a
 *   different one, or one when none was consented, is `invalid_target`. With a single resource per authorization
 *   request, "narrowing" at refresh means keeping it or omitting the parameter.
 * - client_credentials: any valid resource indicator (absolute URI, no fragment). There is no end-user to consent, and
 *   the client is authenticated; the resource server must check `aud` and `scope` of what it is given.
 * With the feature off the parameter is ignored, as at the authorization endpoint, and no audience is chosen.
 */

/** Throws `invalid_target` unless the value is an absolute URI without a fragment (RFC 8707 §2). */
export function checkResourceIndicator(resource: string): void {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new InvalidTarget('resource must be an absolute URI');
  }
  if (url.hash || resource.includes('#')) throw new InvalidTarget('resource must not contain a fragment');
}

/** The audience for a token of an end-user grant, given what the code or refresh token carries (`consented`). */
export function grantedResource(
  config: ProviderConfig,
  requested: string | undefined,
  consented: string | undefined,
): string | undefined {
  if (!config.features.resourceIndicators.enabled) return undefined;
  if (requested === undefined) return consented;
  checkResourceIndicator(requested);
  if (consented === undefined) throw new InvalidTarget('no resource was granted in the authorization request');
  if (requested !== consented) throw new InvalidTarget('resource was not granted in the authorization request');
  return requested;
}

/** The audience for a client_credentials token. */
export function clientCredentialsResource(config: ProviderConfig, requested: string | undefined): string | undefined {
  if (!config.features.resourceIndicators.enabled || requested === undefined) return undefined;
  checkResourceIndicator(requested);
  return requested;
}
