import { boundToCurrentClient, type ClientRef } from '../clients/incarnation.ts';
import { shortId } from '../models/ids.ts';
import type { Grant } from '../models/types.ts';

/**
 * The Grant after an end-user consents: what this account allowed this client, remembered so the next authorization
 * asking for no more does not ask again. An existing grant of the same account and client (the same registration of
 * its id) is extended (its id stays, so tokens issued under it stay tied to it); otherwise a new one is made, bound to
 * the client's incarnation. Pure.
 */
export function grantAfterConsent(options: {
  existing: Grant | undefined;
  accountId: string;
  client: ClientRef;
  scopes: readonly string[];
  claims: readonly string[];
  /** The resource indicator (RFC 8707) consented to with these scopes, if the request named one. */
  resource?: string | undefined;
  /** Now (s). */
  now: number;
  /** `config.ttl.grant` (s). */
  ttl: number;
}): Grant {
  const { existing, accountId, client, now, ttl } = options;
  const reusable = existing?.accountId === accountId && boundToCurrentClient(existing, client) ? existing : undefined;
  const grant: Grant = {
    jti: reusable?.jti ?? shortId(),
    kind: 'Grant',
    iat: reusable?.iat ?? now,
    exp: now + ttl,
    accountId,
    clientId: client.clientId,
    scopes: [...new Set([...(reusable?.scopes ?? []), ...options.scopes])],
    claims: [...new Set([...(reusable?.claims ?? []), ...options.claims])],
    resources: withResource(reusable?.resources ?? {}, options.resource, options.scopes),
  };
  if (client.incarnation !== undefined) grant.clientIncarnation = client.incarnation;
  return grant;
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
