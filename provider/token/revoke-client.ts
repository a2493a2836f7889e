import type { RequestContext } from '../events/context.ts';
import type { ProviderEmitter } from '../events/events.ts';
import type { ModelRepository } from '../models/repository.ts';
import { revokeGrant } from './revoke-grant.ts';

/** How many grants are revoked at once, so deleting a client with very many users never means one burst of commands. */
const BATCH = 50;

/**
 * Revokes what the end-users gave a client that is being deleted (RFC 7592 §2.3: grants SHOULD be invalidated):
 * every Grant of the client — found through storage's per-client index — and everything issued from each one
 * (access and refresh tokens, codes, device codes), each with `grant.revoked`. What is not bound to a grant
 * (client_credentials tokens) and the sessions' entries for the client are ended by the incarnation checks instead
 * (`clients/incarnation.ts`): they can never serve a client registered again under this id.
 */
export async function revokeClientGrants(
  ctx: RequestContext,
  clientId: string,
  deps: { models: ModelRepository; events: ProviderEmitter },
): Promise<number> {
  const grantIds = await deps.models.revokeGrantsOfClient(clientId);
  for (let start = 0; start < grantIds.length; start += BATCH) {
    await Promise.all(grantIds.slice(start, start + BATCH).map((grantId) => revokeGrant(ctx, grantId, deps)));
  }
  return grantIds.length;
}
