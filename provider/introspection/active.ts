import type { AccountStore } from '../accounts/account-store.ts';
import type { Client } from '../clients/client.ts';
import type { ClientStore } from '../clients/client-store.ts';
import { boundToCurrentClient, issuedToCurrentClient } from '../clients/incarnation.ts';
import type { ModelRepository } from '../models/repository.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';
import type { PresentedToken } from '../tokens/find-presented.ts';

/**
 * Whether a found token is active (RFC 7662 §2.2), and what the introspection response says about it. Active means:
 * not expired, not a rotated (consumed) refresh token, its client still registered and the one it was issued to
 * (`issuedToCurrentClient`), and — for tokens of an end-user — the grant not revoked and the account still there.
 * Who may see the answer is decided by the caller (`introspection-policy.ts`).
 */

export interface ActiveTokenDeps {
  models: ModelRepository;
  clients: ClientStore;
  accounts: AccountStore;
  clock: Clock;
  issuer: string;
}

/** The introspection response members of an active token, or undefined when it is not active. */
export async function activeTokenClaims(
  token: PresentedToken,
  deps: ActiveTokenDeps,
): Promise<{ claims: Record<string, unknown>; client: Client } | undefined> {
  const now = epochSeconds(deps.clock);
  if (token.exp <= now) return undefined;
  if (token.kind === 'RefreshToken' && token.consumed !== undefined) return undefined;
  const client = await deps.clients.find(token.clientId);
  if (!client || !issuedToCurrentClient(client, token.iat)) return undefined;

  const claims: Record<string, unknown> = {
    active: true,
    client_id: token.clientId,
    scope: token.scope || undefined,
    exp: token.exp,
    iat: token.iat,
    iss: deps.issuer,
    jti: token.jti,
  };
  if (token.kind !== 'RefreshToken') claims.token_type = 'Bearer';
  if (token.kind !== 'RefreshToken' && token.aud !== undefined) claims.aud = token.aud;
  if (token.kind === 'ClientCredentials') return { claims, client };

  const grant = await deps.models.find('Grant', token.grantId);
  if (!grant || grant.exp <= now || !boundToCurrentClient(grant, client) || grant.accountId !== token.accountId) {
    return undefined;
  }
  const account = await deps.accounts.findById(token.accountId);
  if (!account) return undefined;
  claims.sub = account.sub;
  const username = account.claims.preferred_username;
  if (typeof username === 'string') claims.username = username;
  if (token.sid !== undefined) claims.sid = token.sid;
  return { claims, client };
}
