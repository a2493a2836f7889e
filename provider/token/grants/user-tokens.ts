import type { Account } from '../../accounts/account-store.ts';
import type { Client } from '../../clients/client.ts';
import { boundToCurrentClient } from '../../clients/incarnation.ts';
import { InvalidGrant } from '../../errors/oidc-error.ts';
import type { Grant, GrantBound } from '../../models/types.ts';
import { epochSeconds } from '../../time/clock.ts';
import { signIdToken } from '../../tokens/id-token.ts';
import { issueAccessToken, issueRefreshToken, usesJwtAccessTokens } from '../../tokens/issue.ts';
import type { GrantDeps, TokenResponse } from './grant.ts';

/**
 * What the end-user grants (authorization_code, refresh_token, later device_code) share: the grant and account must
 * still exist, and the response is an access token, an ID token when `openid` was granted, and a refresh token when
 * the client may refresh and the end-user granted offline access (OIDC Core §11).
 */

/**
 * The remembered grant behind a code or token: it must still exist and belong to this client — this registration of
 * its id — and account.
 */
export async function liveGrant(grantId: string, client: Client, accountId: string, deps: GrantDeps): Promise<Grant> {
  const grant = await deps.models.find('Grant', grantId);
  if (!grant || grant.exp <= epochSeconds(deps.clock)) throw new InvalidGrant('grant is no longer valid');
  if (!boundToCurrentClient(grant, client) || grant.accountId !== accountId) throw new InvalidGrant('grant mismatch');
  return grant;
}

/**
 * Consumes a code or refresh token while its grant is read (one storage round trip for both). Answers undefined when
 * another request consumed it first — the caller's replay — before anything else; a grant found gone or not this
 * client's then fails the request with the record used up, which could never have been redeemed anyway.
 */
export async function consumeWithLiveGrant(
  model: 'AuthorizationCode' | 'RefreshToken',
  record: { jti: string; grantId: string; accountId: string },
  client: Client,
  deps: GrantDeps,
): Promise<Grant | undefined> {
  const [consumed, grant] = await Promise.all([
    deps.models.consume(model, record.jti),
    liveGrant(record.grantId, client, record.accountId, deps).catch((error: unknown) => error as Error),
  ]);
  if (!consumed) return undefined;
  if (grant instanceof Error) throw grant;
  return grant;
}

/** The end-user behind a grant; one whose account is gone can no longer get tokens. */
export async function liveAccount(accountId: string, deps: GrantDeps): Promise<Account> {
  const account = await deps.accounts.findById(accountId);
  if (!account) throw new InvalidGrant('the end-user account no longer exists');
  return account;
}

/**
 * Whether a refresh token is issued: the client may use the refresh_token grant, and either `offline_access` was
 * granted or the grant is plain OAuth 2.0 (no `openid`), as in oidc-provider.
 */
export function refreshAllowed(client: Client, scope: string): boolean {
  const scopes = scope.split(' ');
  return client.allowsGrantType('refresh_token') && (scopes.includes('offline_access') || !scopes.includes('openid'));
}

/** The grant-bound fields with the audience chosen at the token endpoint (none: no `resource` field). */
export function withResource(fields: GrantBound, resource: string | undefined): GrantBound {
  const { resource: _previous, ...rest } = fields;
  return resource === undefined ? rest : { ...rest, resource };
}

export interface UserTokensInput {
  client: Client;
  account: Account;
  grant: Grant;
  /** Grant-bound fields of the new tokens; `scope` is the access token's (possibly narrowed) scope. */
  fields: GrantBound;
  gty: string;
  nonce?: string | undefined;
  /** The refresh token to issue, if any: its scope (the full granted one), rotation count and absolute expiry. */
  refresh?: { scope: string; rotations: number; exp?: number } | undefined;
}

export async function issueUserTokens(input: UserTokensInput, deps: GrantDeps): Promise<TokenResponse> {
  const { client, fields } = input;
  const issueRefresh = (refresh: NonNullable<UserTokensInput['refresh']>) => {
    const refreshFields = { ...fields, scope: refresh.scope, ...(input.nonce ? { nonce: input.nonce } : {}) };
    // Never outlives the grant; rotation keeps the absolute expiry of the first refresh token.
    const exp = Math.min(refresh.exp ?? epochSeconds(deps.clock) + deps.config.ttl.refreshToken, input.grant.exp);
    return issueRefreshToken(deps, refreshFields, { gty: input.gty, rotations: refresh.rotations, exp });
  };
  const issueAccess = () => issueAccessToken(deps, fields, input.gty, { client, sub: input.account.sub });
  // Opaque tokens: both stored at once (one storage round trip, not two); neither depends on the other, and both
  // writes start in order on one connection, so `access_token.saved` still comes before `refresh_token.saved`. A JWT
  // access token is signed, not stored: issued first, so `access_token.issued` keeps its documented place too.
  const [access, refresh] = usesJwtAccessTokens(deps.config, client)
    ? [await issueAccess(), input.refresh ? await issueRefresh(input.refresh) : undefined]
    : await Promise.all([issueAccess(), input.refresh ? issueRefresh(input.refresh) : undefined]);
  const response: TokenResponse = {
    access_token: access.value,
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    scope: fields.scope,
  };
  if (refresh) response.refresh_token = refresh.value;
  if (fields.scope.split(' ').includes('openid')) {
    response.id_token = await signIdToken(
      {
        client,
        account: input.account,
        fields,
        nonce: input.nonce,
        accessToken: access.value,
        consentedClaims: input.grant.claims,
        includeScopeClaims: false,
      },
      deps,
    );
  }
  return response;
}
