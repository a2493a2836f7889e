import type { Client } from '../clients/client.ts';
import type { RequestContext } from '../events/context.ts';
import type { ProviderEmitter } from '../events/events.ts';
import type { ModelRepository } from '../models/repository.ts';
import { revokeGrant } from '../token/revoke-grant.ts';
import type { PresentedToken } from '../tokens/find-presented.ts';

/**
 * Revokes one presented token (RFC 7009 §2.1). Only the client a token was issued to may revoke it. Any other client —
 * confidential or public — is answered exactly as for an unknown token (200, empty body, no event), so revocation
 * cannot be used to learn whether a token value exists (a confidential caller used to be told `invalid_request`,
 * which confirmed a guessed or stolen token was live). A refresh
 * token takes its whole grant with it — every access and refresh token and the remembered consent (§2.1: "SHOULD
 * also invalidate all access tokens based on the same authorization grant"), announced by `grant.revoked`; an access
 * token or client-credentials token is destroyed alone.
 */
export async function revokePresentedToken(
  token: PresentedToken,
  caller: Client,
  ctx: RequestContext,
  deps: { models: ModelRepository; events: ProviderEmitter },
): Promise<void> {
  if (token.clientId !== caller.clientId) return;
  switch (token.kind) {
    case 'AccessToken':
      await deps.models.destroy('AccessToken', token);
      return;
    case 'ClientCredentials':
      await deps.models.destroy('ClientCredentials', token);
      return;
    case 'RefreshToken':
      await deps.models.destroy('RefreshToken', token);
      await revokeGrant(ctx, token.grantId, deps);
      return;
  }
}
