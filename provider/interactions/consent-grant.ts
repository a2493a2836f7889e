import { shortId } from '../models/ids.ts';
import type { Grant } from '../models/types.ts';

/**
 * The Grant after an end-user consents: what this account allowed this client, remembered so the next authorization
 * asking for no more does not ask again. An existing grant of the same account and client is extended (its id stays,
 * so tokens issued under it stay tied to it); otherwise a new one is made. Pure.
 */
export function grantAfterConsent(options: {
  existing: Grant | undefined;
  accountId: string;
  clientId: string;
  scopes: readonly string[];
  claims: readonly string[];
  /** The resource indicator (RFC 8707) consented to with these scopes, if the request named one. */
  resource?: string | undefined;
  /** Now (s). */
  now: number;
  /** `config.ttl.grant` (s). */
  ttl: number;
}): Grant {
  const { existing, accountId, clientId, now, ttl } = options;
  const reusable = existing?.accountId === accountId && existing.clientId === clientId ? existing : undefined;
  return {
    jti: reusable?.jti ?? shortId(),
    kind: 'Grant',
    iat: reusable?.iat ?? now,
    exp: now + ttl,
    accountId,
    clientId,
    scopes: [...new Set([...(reusable?.scopes ?? []), ...options.scopes])],
    claims: [...new Set([...(reusable?.claims ?? []), ...options.claims])],
    resources: withResource(reusable?.resources ?? {}, options.resource, options.scopes),
  };
}

/** The consented resources with `resource` added, its scopes merged with those granted for it before. */
function withResource(
  resources: Readonly<Record<string, string[]>>,
  resource: string | undefined,
  scopes: readonly string[],
): Record<string, string[]> {
  const merged = { ...resources };
  if (resource !== undefined) merged[resource] = [...new Set([...(resources[resource] ?? []), ...scopes])];
  return merged;
}
