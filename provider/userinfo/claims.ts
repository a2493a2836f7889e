import { boundToCurrentClient, issuedToCurrentClient } from '../clients/incarnation.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { ClientStore } from '../clients/client-store.ts';
import type { ProviderConfig } from '../config/options.ts';
import { InsufficientScope, InvalidToken } from '../errors/oidc-error.ts';
import type { RequestContext } from '../events/context.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import type { ModelRepository } from '../models/repository.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';
import { isStructuredToken } from '../tokens/find-presented.ts';
import { opaqueTokenId } from '../tokens/opaque.ts';
import { releasedClaims } from '../tokens/released-claims.ts';
import { verifyJwtAccessToken } from '../tokens/verify-jwt-access-token.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import { assertMeantForUserinfo } from './audience.ts';

/**
 * The UserInfo response (OIDC Core §5.3): for a live access token with `openid`, whose client, grant and account still
 * exist, `sub` plus the claims of the granted scopes and of the `claims` parameter's `userinfo` member, limited to
 * what the end-user consented to. No HTTP here.
 *
 * Only tokens meant for userinfo are served (`audience.ts`): a token issued for another resource server (RFC 8707) is
 * `invalid_token` here.
 *
 * JWT access tokens (RFC 9068) are accepted too: verified by signature (`verify-jwt-access-token`), meant for userinfo,
 * their client still registered and the same incarnation, `openid` granted, the end-user still there. They carry no
 * grant, so they stay valid until `exp` even when the grant is revoked, and release the claims of their scope only
 * (not individually consented claims of the `claims` parameter). The account is found by `sub`, which is the account
 * id in the file account store.
 */
export interface UserinfoDeps {
  models: ModelRepository;
  accounts: AccountStore;
  clients: ClientStore;
  clock: Clock;
  config: ProviderConfig;
  keys: KeystoreHolder;
}

/** Userinfo for a JWT access token. */
async function jwtUserinfo(token: string, ctx: RequestContext, deps: UserinfoDeps): Promise<Record<string, unknown>> {
  const verified = await verifyJwtAccessToken(token, deps);
  assertMeantForUserinfo(verified, endpointUrl(deps.config.issuer, paths.userinfo));
  const client = await deps.clients.find(verified.clientId);
  if (!client || !issuedToCurrentClient(client, verified.iat)) {
    throw new InvalidToken('the client of this access token no longer exists');
  }
  ctx.oidc.client = client.toJSON();
  if (!verified.scope.split(' ').includes('openid')) {
    throw new InsufficientScope('the access token was not granted the openid scope');
  }
  const account = await deps.accounts.findById(verified.sub);
  if (!account || account.sub !== verified.sub)
    throw new InvalidToken('the end-user of this access token no longer exists');
  ctx.oidc.accountId = account.accountId;
  const released = releasedClaims({
    account,
    scope: verified.scope,
    target: 'userinfo',
    includeScopeClaims: true,
    consented: [],
  });
  return { ...released, sub: account.sub };
}

export async function userinfoClaims(
  token: string,
  ctx: RequestContext,
  deps: UserinfoDeps,
): Promise<Record<string, unknown>> {
  if (isStructuredToken(token)) {
    if (!deps.config.features.jwtAccessTokens.enabled) throw new InvalidToken('access token is invalid or expired');
    return jwtUserinfo(token, ctx, deps);
  }
  const record = await deps.models.find('AccessToken', opaqueTokenId(token));
  if (!record || record.exp <= epochSeconds(deps.clock)) throw new InvalidToken('access token is invalid or expired');
  assertMeantForUserinfo(record, endpointUrl(deps.config.issuer, paths.userinfo));
  const client = await deps.clients.find(record.clientId);
  if (!client || !issuedToCurrentClient(client, record.iat)) {
    throw new InvalidToken('the client of this access token no longer exists');
  }
  ctx.oidc.client = client.toJSON();
  if (!record.scope.split(' ').includes('openid')) {
    throw new InsufficientScope('the access token was not granted the openid scope');
  }
  const grant = await deps.models.find('Grant', record.grantId);
  if (!grant || grant.exp <= epochSeconds(deps.clock) || !boundToCurrentClient(grant, client))
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
