import type { Client } from '../../clients/client.ts';
import { issuedToCurrentClient } from '../../clients/incarnation.ts';
import { InvalidGrant, InvalidRequest, InvalidScope } from '../../errors/oidc-error.ts';
import type { Grant, RefreshToken } from '../../models/types.ts';
import { epochSeconds } from '../../time/clock.ts';
import { grantFields } from '../../tokens/issue.ts';
import { opaqueTokenId } from '../../tokens/opaque.ts';
import { grantedResource } from '../resource.ts';
import { revokeGrant } from '../revoke-grant.ts';
import type { GrantDeps, GrantHandler, GrantRequest } from './grant.ts';
import { consumeWithLiveGrant, issueUserTokens, liveAccount, liveGrant, withResource } from './user-tokens.ts';

/**
 * refresh_token (RFC 6749 §6, OIDC Core §12) with rotation (Security BCP §4.14.2): each use consumes the presented
 * refresh token and issues a new one with the same absolute expiry; presenting a consumed one again is reuse and
 * revokes the whole grant. `scope` may narrow the new access token's scope but never widen it (`invalid_scope`); the
 * new refresh token keeps the full granted scope. A `resource` must be the one consented to (`../resource.ts`).
 *
 * A plain refresh (no `scope`, no `resource`) checks and consumes the token in one atomic storage operation
 * (`consumeIf`: this client's, this registration's, unexpired, unused), then reads the grant: no read of the token
 * first. A request that narrows `scope` or names a `resource` can be refused after the token is read
 * (`invalid_scope`, `invalid_target`), and a refusal must not use the token up: the token is read, those checked, and
 * only then consumed (while the grant is read).
 */
export const refreshTokenGrant: GrantHandler = async (context, deps) => {
  const { client, params, ctx } = context;
  const value = params.refresh_token;
  if (!value) throw new InvalidRequest('refresh_token is required');
  const id = opaqueTokenId(value);
  const now = epochSeconds(deps.clock);
  const plain = params.scope === undefined && params.resource === undefined;
  const { token, grant, scope, resource } = plain
    ? await consumeChecked(id, now, context, deps)
    : await readCheckedThenConsume(id, now, context, deps);
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

/** The consumed token, its live grant, and the new access token's scope and audience. */
interface Consumed {
  token: RefreshToken;
  grant: Grant;
  scope: string;
  resource: string | undefined;
}

/** Refuses a token that is not this client's (this registration's) or has expired; the same order as `consumeIf`. */
function checkPresented(token: RefreshToken, client: Client, now: number): void {
  if (token.clientId !== client.clientId || !issuedToCurrentClient(client, token.iat)) {
    throw new InvalidGrant('refresh token was issued to another client');
  }
  if (token.exp <= now) throw new InvalidGrant('refresh token has expired');
}

/** Reuse of a rotated token: the token itself goes (`refresh_token.destroyed`), then everything from its grant. */
async function reused(
  token: RefreshToken | string,
  grantId: string,
  ctx: GrantRequest['ctx'],
  deps: GrantDeps,
): Promise<Error> {
  await deps.models.destroy('RefreshToken', token);
  await revokeGrant(ctx, grantId, deps);
  return new InvalidGrant('refresh token has already been used; the grant is revoked');
}

/** The plain refresh: one atomic check-and-consume, then the grant. */
async function consumeChecked(
  id: string,
  now: number,
  { client, ctx }: GrantRequest,
  deps: GrantDeps,
): Promise<Consumed> {
  const result = await deps.models.consumeIf('RefreshToken', id, {
    clientId: client.clientId,
    issuedSince: client.metadata.client_id_issued_at,
    now,
  });
  if (result.outcome === 'absent') throw new InvalidGrant('refresh token is invalid or expired');
  const token = result.record;
  if (result.outcome === 'refused') {
    checkPresented(token, client, now);
    // Unreachable while the store's checks and checkPresented agree; refused all the same if they ever differ.
    throw new InvalidGrant('refresh token is invalid or expired');
  }
  if (result.outcome === 'used') throw await reused(token, token.grantId, ctx, deps);
  // Consumed: a grant or account found gone now fails the request with the token used up, which could never have
  // been refreshed anyway.
  const grant = await liveGrant(token.grantId, client, token.accountId, deps);
  return { token, grant, scope: token.scope, resource: grantedResource(deps.config, undefined, token.resource) };
}

/** A refresh that narrows `scope` or names a `resource`: read, check everything, then consume (with the grant read). */
async function readCheckedThenConsume(
  id: string,
  now: number,
  { client, params, ctx }: GrantRequest,
  deps: GrantDeps,
): Promise<Consumed> {
  const token = await deps.models.find('RefreshToken', id);
  if (!token) throw new InvalidGrant('refresh token is invalid or expired');
  checkPresented(token, client, now);
  if (token.consumed !== undefined) throw await reused(token, token.grantId, ctx, deps);
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
  const grant = await consumeWithLiveGrant('RefreshToken', token, client, deps);
  if (!grant) throw await reused(token.jti, token.grantId, ctx, deps);
  return { token, grant, scope, resource };
}
