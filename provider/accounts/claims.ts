import { InvalidRequest } from '../errors/oidc-error.ts';

/**
 * Which end-user claims a request asks for: by scope (OIDC Core §5.4) and by the `claims` request parameter (§5.5).
 * Pure functions shared by the consent page (what to show) and by ID token / userinfo issuance (what to release).
 */

/** Claims each standard scope requests (OIDC Core §5.4). */
export const scopeClaims: Readonly<Record<string, readonly string[]>> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** Claims about the authentication itself, which only the provider sets (never read from the account). */
export const protocolClaims: readonly string[] = ['sub', 'iss', 'auth_time', 'acr', 'amr', 'sid'];

/** `claims_supported` for discovery: the protocol claims and every scope claim. */
export const supportedClaims: readonly string[] = [...protocolClaims, ...Object.values(scopeClaims).flat()];

/** One entry of the `claims` parameter: `null` (asked for, voluntary) or these options (§5.5.1). */
export interface ClaimRequest {
  essential?: boolean;
  value?: unknown;
  values?: unknown[];
}

/** The `claims` request parameter, parsed. */
export interface ClaimsParameter {
  userinfo?: Record<string, ClaimRequest | null>;
  id_token?: Record<string, ClaimRequest | null>;
}

export type ClaimsTarget = 'id_token' | 'userinfo';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and validates the `claims` parameter's JSON text; throws `invalid_request` with the reason otherwise. */
export function parseClaimsParameter(text: string): ClaimsParameter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidRequest('claims parameter must be a JSON object');
  }
  if (!isObject(parsed)) throw new InvalidRequest('claims parameter must be a JSON object');
  const result: ClaimsParameter = {};
  for (const [target, members] of Object.entries(parsed)) {
    if (target !== 'userinfo' && target !== 'id_token') continue; // §5.5: unknown members are ignored
    if (!isObject(members)) throw new InvalidRequest(`claims.${target} must be an object`);
    const entries: Record<string, ClaimRequest | null> = {};
    for (const [claim, request] of Object.entries(members)) {
      if (request === null) {
        entries[claim] = null;
        continue;
      }
      if (!isObject(request)) throw new InvalidRequest(`claims.${target}.${claim} must be null or an object`);
      if ('essential' in request && typeof request.essential !== 'boolean') {
        throw new InvalidRequest(`claims.${target}.${claim}.essential must be a boolean`);
      }
      if ('values' in request && !Array.isArray(request.values)) {
        throw new InvalidRequest(`claims.${target}.${claim}.values must be an array`);
      }
      if ('value' in request && 'values' in request) {
        throw new InvalidRequest(`claims.${target}.${claim} must not have both value and values`);
      }
      entries[claim] = request;
    }
    result[target] = entries;
  }
  return result;
}

/** Claim names the scope values request (unknown scopes request nothing). */
export function claimsForScope(scope: string | readonly string[]): Set<string> {
  const values = typeof scope === 'string' ? scope.split(' ') : scope;
  return new Set(values.flatMap((value) => scopeClaims[value] ?? []));
}

/** Claim names the `claims` parameter requests for a target (both targets when omitted). */
export function claimsFromParameter(claims: ClaimsParameter | undefined, target?: ClaimsTarget): Set<string> {
  if (!claims) return new Set();
  const targets: ClaimsTarget[] = target ? [target] : ['id_token', 'userinfo'];
  return new Set(targets.flatMap((name) => Object.keys(claims[name] ?? {})));
}

/**
 * Claim names to release for a target. `includeScopeClaims`: whether scope-requested claims go to this target — OIDC
 * Core §5.4 sends them to userinfo whenever an access token is issued, and into the ID token only when none is.
 */
export function requestedClaims(options: {
  scope: string;
  claims?: ClaimsParameter | string;
  target: ClaimsTarget;
  includeScopeClaims: boolean;
}): Set<string> {
  const parameter = typeof options.claims === 'string' ? parseClaimsParameter(options.claims) : options.claims;
  const names = options.includeScopeClaims ? claimsForScope(options.scope) : new Set<string>();
  for (const name of claimsFromParameter(parameter, options.target)) names.add(name);
  return names;
}

/**
 * The account's values of the named claims; claims the account lacks are left out, and protocol claims (`sub`,
 * `auth_time`, …) are never taken from the account.
 */
export function selectClaims(
  accountClaims: Readonly<Record<string, unknown>>,
  names: Iterable<string>,
): Record<string, unknown> {
  const released: Record<string, unknown> = {};
  for (const name of names) {
    if (protocolClaims.includes(name)) continue;
    if (Object.hasOwn(accountClaims, name) && accountClaims[name] !== undefined) released[name] = accountClaims[name];
  }
  return released;
}

/** `acr` values the `claims` parameter asks for in the ID token (`id_token.acr.value(s)`), if any. */
export function requestedAcrValues(claims: ClaimsParameter | undefined): string[] {
  const acr = claims?.id_token?.acr;
  if (!acr) return [];
  const values = acr.values ?? (acr.value === undefined ? [] : [acr.value]);
  return values.filter((value): value is string => typeof value === 'string');
}

/**
 * End-user claims the `claims` parameter asks for (either target) that need the end-user's consent: everything but
 * the protocol claims, which describe the authentication rather than the person.
 */
export function claimsNeedingConsent(claims: ClaimsParameter | undefined): string[] {
  return [...claimsFromParameter(claims)].filter((name) => !protocolClaims.includes(name));
}
