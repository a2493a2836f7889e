import { issuedToCurrentClient } from '../../clients/incarnation.ts';
import { InvalidGrant, InvalidRequest, InvalidScope } from '../../errors/oidc-error.ts';
import { epochSeconds } from '../../time/clock.ts';
import { grantFields } from '../../tokens/issue.ts';
import { opaqueTokenId } from '../../tokens/opaque.ts';
import { grantedResource } from '../resource.ts';
import { revokeGrant } from '../revoke-grant.ts';
import type { GrantHandler } from './grant.ts';
import { issueUserTokens, liveAccount, liveGrant, withResource } from './user-tokens.ts';

/**
 * refresh_token (RFC 6749 §6, OIDC Core §12) with rotation (Security BCP §4.14.2): each use consumes the presented
 * refresh token and issues a new one with the same absolute expiry; presenting a consumed one again is reuse and
 * revokes the whole grant. `scope` may narrow the new access token's scope but never widen it (`invalid_scope`); the
 * new refresh token keeps the full granted scope. A `resource` must be the one consented to (`../resource.ts`).
 */
export const refreshTokenGrant: GrantHandler = async ({ client, params, ctx }, deps) => {
  const value = params.refresh_token;
  if (!value) throw new InvalidRequest('refresh_token is required');
  const token = await deps.models.find('RefreshToken', opaqueTokenId(value));
  if (!token) throw new InvalidGrant('refresh token is invalid or expired');
  if (token.clientId !== client.clientId || !issuedToCurrentClient(client, token.iat)) {
    throw new InvalidGrant('refresh token was issued to another client');
  }
  if (token.exp <= epochSeconds(deps.clock)) throw new InvalidGrant('refresh token has expired');
  if (token.consumed !== undefined) {
    // Reuse of a rotated token: the token itself goes (`refresh_token.destroyed`), then everything from its grant.
    await deps.models.destroy('RefreshToken', token);
    await revokeGrant(ctx, token.grantId, deps);
    throw new InvalidGrant('refresh token has already been used; the grant is revoked');
  }
  const granted = token.scope.split(' ').filter(Boolean);
  let scope = token.scope;
  if (params.scope !== undefined) {
    const requested = params.scope.split(' ').filter(Boolean);
    const extra = requested.find((value) => !granted.includes(value));
    if (extra !== undefined) throw new InvalidScope(`scope "${extra}" was not granted`);
    if (requested.length === 0) throw new InvalidScope('scope must not be empty');
    scope = [...new Set(requested)].join(' ');
  }
  const resource = grantedResource(deps.config, params.resource, token.resource);
  // Consumed while its grant is read (one storage round trip for both): a grant or account found gone afterwards
  // fails the request with the token used up, which could never have been refreshed anyway.
  const [consumed, grant] = await Promise.all([
    deps.models.consume('RefreshToken', token.jti),
    liveGrant(token.grantId, client, token.accountId, deps).catch((error: unknown) => error as Error),
  ]);
  if (!consumed) {
    await deps.models.destroy('RefreshToken', token.jti);
    await revokeGrant(ctx, token.grantId, deps);
    throw new InvalidGrant('refresh token has already been used; the grant is revoked');
  }
  if (grant instanceof Error) throw grant;
  const account = await liveAccount(token.accountId, deps);
  ctx.oidc.accountId = token.accountId;
  return issueUserTokens(
    {
      client,
      account,
      grant,
      fields: withResource({ ...grantFields(token), scope }, resource),
      gty: 'refresh_token',
      nonce: token.nonce,
      refresh: { scope: token.scope, rotations: token.rotations + 1, exp: token.exp },
    },
    deps,
  );
};
