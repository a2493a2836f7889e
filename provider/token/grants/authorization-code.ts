import type { Client } from '../../clients/client.ts';
import { issuedToCurrentClient } from '../../clients/incarnation.ts';
import { InvalidGrant, InvalidRequest } from '../../errors/oidc-error.ts';
import type { AuthorizationCode, Grant } from '../../models/types.ts';
import { epochSeconds } from '../../time/clock.ts';
import { opaqueTokenId } from '../../tokens/opaque.ts';
import { grantFields } from '../../tokens/issue.ts';
import { checkPkce, s256ChallengeOf } from '../pkce.ts';
import { grantedResource } from '../resource.ts';
import { revokeGrant } from '../revoke-grant.ts';
import type { GrantDeps, GrantHandler, GrantRequest } from './grant.ts';
import {
  consumeWithLiveGrant,
  issueUserTokens,
  liveAccount,
  liveGrant,
  refreshAllowed,
  withResource,
} from './user-tokens.ts';

/**
 * authorization_code (RFC 6749 §4.1.3, OIDC Core §3.1.3.2, RFC 7636): the code must be this client's, unexpired, sent
 * back with the same redirect_uri, matched by its PKCE verifier (required of public clients), and its grant must still
 * stand. A code is redeemed once: the atomic `consume` picks the one winner, and any second redemption — seen as
 * already consumed, or lost in a race — revokes everything issued from the grant (RFC 6749 §4.1.2, Security BCP
 * §4.5) before failing with `invalid_grant`. A `resource` must be the one consented to (`../resource.ts`).
 *
 * A redemption with a well-formed PKCE verifier and no `resource` checks and consumes the code in one atomic storage
 * operation (`consumeIf`: this client's, this registration's, unexpired, unused, then the same `redirect_uri` and the
 * S256 challenge of the verifier), then reads the grant: no read of the code first. Every other redemption reads the
 * code, checks it, and only then consumes it (while the grant is read). Either way a refusal other than reuse leaves
 * the code unused, and the checks and their order (so the error a request gets) are the same.
 */
export const authorizationCodeGrant: GrantHandler = async (request, deps) => {
  const { client, params, ctx } = request;
  const { code: value, redirect_uri: redirectUri, code_verifier: verifier } = params;
  if (!value) throw new InvalidRequest('code is required');
  if (!redirectUri) throw new InvalidRequest('redirect_uri is required');
  const id = opaqueTokenId(value);
  const now = epochSeconds(deps.clock);
  const challenge = verifier === undefined || params.resource !== undefined ? undefined : s256ChallengeOf(verifier);
  const { code, grant, resource } =
    challenge === undefined
      ? await readCheckedThenConsume(id, now, request, deps)
      : await consumeChecked(
          id,
          now,
          { redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256' },
          request,
          deps,
        );
  const account = await liveAccount(code.accountId, deps);
  ctx.oidc.accountId = code.accountId;
  const fields = withResource(grantFields(code), resource);
  return issueUserTokens(
    {
      client,
      account,
      grant,
      fields,
      gty: 'authorization_code',
      nonce: code.nonce,
      refresh: refreshAllowed(client, code.scope) ? { scope: code.scope, rotations: 0 } : undefined,
    },
    deps,
  );
};

/** The consumed code, its live grant, and the access token's audience. */
interface Redeemed {
  code: AuthorizationCode;
  grant: Grant;
  resource: string | undefined;
}

/** A code presented again: it goes (`authorization_code.destroyed`), then everything issued from its grant. */
async function replayed(
  code: AuthorizationCode | string,
  grantId: string,
  ctx: GrantRequest['ctx'],
  deps: GrantDeps,
): Promise<Error> {
  await deps.models.destroy('AuthorizationCode', code);
  await revokeGrant(ctx, grantId, deps);
  return new InvalidGrant('authorization code has already been used; tokens issued from it are revoked');
}

/** Checked before anything else, so one client cannot burn or probe another client's code; then expiry. */
function checkOwner(code: AuthorizationCode, client: Client, now: number): void {
  if (code.clientId !== client.clientId || !issuedToCurrentClient(client, code.iat)) {
    throw new InvalidGrant('authorization code was issued to another client');
  }
  if (code.exp <= now) throw new InvalidGrant('authorization code has expired');
}

/** What an unused code must match in the request: redirect_uri, then PKCE. */
function checkRequest(code: AuthorizationCode, { client, params }: GrantRequest): void {
  if (code.redirectUri !== params.redirect_uri) {
    throw new InvalidGrant('redirect_uri does not match the authorization request');
  }
  if (client.isPublic && code.codeChallenge === undefined) {
    throw new InvalidGrant('public clients must use PKCE');
  }
  checkPkce(params.code_verifier, code.codeChallenge, code.codeChallengeMethod);
}

/** One atomic check-and-consume (the checks of {@link checkOwner} and {@link checkRequest}), then the grant. */
async function consumeChecked(
  id: string,
  now: number,
  equal: Record<string, string>,
  request: GrantRequest,
  deps: GrantDeps,
): Promise<Redeemed> {
  const { client, ctx } = request;
  const result = await deps.models.consumeIf('AuthorizationCode', id, {
    clientId: client.clientId,
    issuedSince: client.metadata.client_id_issued_at,
    now,
    equal,
  });
  if (result.outcome === 'absent') throw new InvalidGrant('authorization code is invalid, expired or already used');
  const code = result.record;
  if (result.outcome === 'used') throw await replayed(code, code.grantId, ctx, deps);
  if (result.outcome === 'refused') {
    // Says why with the checks a read-first redemption makes, in its order.
    checkOwner(code, client, now);
    checkRequest(code, request);
    throw new InvalidGrant('authorization code is invalid, expired or already used');
  }
  // Consumed: a grant or account found gone now fails the request with the code used up, which could never have been
  // redeemed anyway.
  const grant = await liveGrant(code.grantId, client, code.accountId, deps);
  return { code, grant, resource: grantedResource(deps.config, undefined, code.resource) };
}

/** Read the code, check everything (a wrong `resource` must not burn it), then consume it while the grant is read. */
async function readCheckedThenConsume(
  id: string,
  now: number,
  request: GrantRequest,
  deps: GrantDeps,
): Promise<Redeemed> {
  const { client, params, ctx } = request;
  const code = await deps.models.find('AuthorizationCode', id);
  if (!code) throw new InvalidGrant('authorization code is invalid, expired or already used');
  checkOwner(code, client, now);
  if (code.consumed !== undefined) throw await replayed(code, code.grantId, ctx, deps);
  checkRequest(code, request);
  const resource = grantedResource(deps.config, params.resource, code.resource);
  const grant = await consumeWithLiveGrant('AuthorizationCode', code, client, deps);
  // Another request redeemed it between our read and now: the same replay, seen from the losing side.
  if (!grant) throw await replayed(code.jti, code.grantId, ctx, deps);
  return { code, grant, resource };
}
