import { issuedToCurrentClient } from '../clients/incarnation.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { ClientStore } from '../clients/client-store.ts';
import { InsufficientScope, InvalidToken } from '../errors/oidc-error.ts';
import type { RequestContext } from '../events/context.ts';
import type { ModelRepository } from '../models/repository.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';
import { opaqueTokenId } from '../tokens/opaque.ts';
import { releasedClaims } from '../tokens/released-claims.ts';

/**
 * The UserInfo response (OIDC Core §5.3): for a live access token with `openid`, whose client, grant and account still
 * exist, `sub` plus the claims of the granted scopes and of the `claims` parameter's `userinfo` member, limited to
 * what the end-user consented to. No HTTP here.
 */
export interface UserinfoDeps {
  models: ModelRepository;
  accounts: AccountStore;
  clients: ClientStore;
  clock: Clock;
}

export async function userinfoClaims(
  token: string,
  ctx: RequestContext,
  deps: UserinfoDeps,
): Promise<Record<string, unknown>> {
  const record = await deps.models.find('AccessToken', opaqueTokenId(token));
  if (!record || record.exp <= epochSeconds(deps.clock)) throw new InvalidToken('access token is invalid or expired');
  const client = await deps.clients.find(record.clientId);
  if (!client || !issuedToCurrentClient(client, record.iat)) {
    throw new InvalidToken('the client of this access token no longer exists');
  }
  ctx.oidc.client = client.toJSON();
  if (!record.scope.split(' ').includes('openid')) {
    throw new InsufficientScope('the access token was not granted the openid scope');
  }
  const grant = await deps.models.find('Grant', record.grantId);
  if (!grant || grant.exp <= epochSeconds(deps.clock))
    throw new InvalidToken('the grant of this access token was revoked');
  const account = await deps.accounts.findById(record.accountId);
  if (!account) throw new InvalidToken('the end-user of this access token no longer exists');
  ctx.oidc.accountId = record.accountId;
  return {
    ...releasedClaims({
      account,
      scope: record.scope,
      claims: record.claims,
      target: 'userinfo',
      includeScopeClaims: true,
      consented: grant.claims,
    }),
    sub: account.sub,
  };
}
