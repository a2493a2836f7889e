import { issuedToCurrentClient } from '../../clients/incarnation.ts';
import { InvalidGrant, InvalidRequest } from '../../errors/oidc-error.ts';
import { epochSeconds } from '../../time/clock.ts';
import { opaqueTokenId } from '../../tokens/opaque.ts';
import { grantFields } from '../../tokens/issue.ts';
import { checkPkce } from '../pkce.ts';
import { grantedResource } from '../resource.ts';
import { revokeGrant } from '../revoke-grant.ts';
import type { GrantHandler } from './grant.ts';
import { issueUserTokens, liveAccount, liveGrant, refreshAllowed, withResource } from './user-tokens.ts';

/**
 * authorization_code (RFC 6749 §4.1.3, OIDC Core §3.1.3.2, RFC 7636): the code must be this client's, unexpired, sent
 * back with the same redirect_uri, matched by its PKCE verifier (required of public clients), and its grant must still
 * stand. A code is redeemed once: the atomic `consume` picks the one winner, and any second redemption — seen as
 * already consumed, or lost in a race — revokes everything issued from the grant (RFC 6749 §4.1.2, Security BCP
 * §4.5) before failing with `invalid_grant`. A `resource` must be the one consented to (`../resource.ts`).
 */
export const authorizationCodeGrant: GrantHandler = async ({ client, params, ctx }, deps) => {
  const { code: value, redirect_uri: redirectUri, code_verifier: verifier } = params;
  if (!value) throw new InvalidRequest('code is required');
  if (!redirectUri) throw new InvalidRequest('redirect_uri is required');
  const code = await deps.models.find('AuthorizationCode', opaqueTokenId(value));
  if (!code) throw new InvalidGrant('authorization code is invalid, expired or already used');
  // Checked before anything else, so one client cannot burn or probe another client's code.
  if (code.clientId !== client.clientId || !issuedToCurrentClient(client, code.iat)) {
    throw new InvalidGrant('authorization code was issued to another client');
  }
  if (code.exp <= epochSeconds(deps.clock)) throw new InvalidGrant('authorization code has expired');
  if (code.consumed !== undefined) {
    await deps.models.destroy('AuthorizationCode', code);
    await revokeGrant(ctx, code.grantId, deps);
    throw new InvalidGrant('authorization code has already been used; tokens issued from it are revoked');
  }
  if (code.redirectUri !== redirectUri) throw new InvalidGrant('redirect_uri does not match the authorization request');
  if (client.isPublic && code.codeChallenge === undefined) {
    throw new InvalidGrant('public clients must use PKCE');
  }
  checkPkce(verifier, code.codeChallenge, code.codeChallengeMethod);
  // Before consuming: a wrong resource must not burn the code.
  const resource = grantedResource(deps.config, params.resource, code.resource);
  // The code is consumed while its grant is read (one storage round trip for both): a grant or account found gone
  // afterwards fails the request with the code used up, which could never have been redeemed anyway.
  const [consumed, grant] = await Promise.all([
    deps.models.consume('AuthorizationCode', code.jti),
    liveGrant(code.grantId, client, code.accountId, deps).catch((error: unknown) => error as Error),
  ]);
  if (!consumed) {
    // Another request redeemed it between our read and now: the same replay, seen from the losing side.
    await deps.models.destroy('AuthorizationCode', code.jti);
    await revokeGrant(ctx, code.grantId, deps);
    throw new InvalidGrant('authorization code has already been used; tokens issued from it are revoked');
  }
  if (grant instanceof Error) throw grant;
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
