import { issuedToCurrentClient } from '../../clients/incarnation.ts';
import { deviceCodeGrantType, pollingInterval } from '../../device/grant-type.ts';
import {
  AccessDenied,
  AuthorizationPending,
  ExpiredToken,
  InvalidGrant,
  InvalidRequest,
  SlowDown,
} from '../../errors/oidc-error.ts';
import type { GrantBound } from '../../models/types.ts';
import { epochSeconds } from '../../time/clock.ts';
import { opaqueTokenId } from '../../tokens/opaque.ts';
import { grantedResource } from '../resource.ts';
import { revokeGrant } from '../revoke-grant.ts';
import type { GrantHandler } from './grant.ts';
import { issueUserTokens, liveAccount, liveGrant, refreshAllowed, withResource } from './user-tokens.ts';

/**
 * device_code (RFC 8628 §3.4–3.5): the device polls with its device code. In order: the code must be this client's
 * (checked first, so one client cannot probe or burn another's) → not expired (`expired_token`) → polled no faster than
 * `interval` (`slow_down`; each poll is recorded for `interval` seconds) → answered in the browser (`authorization_pending` until then;
 * denied → `access_denied`, and the code is destroyed) → consumed once, atomically: a second redemption revokes what
 * the first one got, as for authorization codes. Tokens as for authorization_code: access token, ID token with
 * `openid`, refresh token when allowed.
 */
export const deviceCodeGrant: GrantHandler = async ({ client, params, ctx }, deps) => {
  const value = params.device_code;
  if (!value) throw new InvalidRequest('device_code is required');
  const code = await deps.models.find('DeviceCode', opaqueTokenId(value));
  if (!code) throw new InvalidGrant('device code is invalid or has expired');
  if (code.clientId !== client.clientId || !issuedToCurrentClient(client, code.iat)) {
    throw new InvalidGrant('device code was issued to another client');
  }
  const now = epochSeconds(deps.clock);
  if ((code.expiresAt ?? code.exp) <= now) throw new ExpiredToken('device code has expired');
  if (code.consumed !== undefined) {
    const grantId = code.result && 'grantId' in code.result ? code.result.grantId : undefined;
    await deps.models.destroy('DeviceCode', code);
    if (grantId !== undefined) await revokeGrant(ctx, grantId, deps);
    throw new InvalidGrant('device code has already been used; tokens issued from it are revoked');
  }
  // A poll is recorded apart from the DeviceCode (written only by the browser side), so a poll can never overwrite
  // an approval saved at the same moment on another replica. The atomic insert also makes the interval hold across
  // replicas: of two polls within it, only the first gets through. Interval bookkeeping, not replay detection: no
  // `replay_detection.saved` per poll.
  const poll = {
    jti: `device-poll:${code.jti}`,
    kind: 'ReplayDetection' as const,
    iat: now,
    exp: now + pollingInterval,
  };
  if (!(await deps.models.markOnce(poll))) {
    throw new SlowDown(`poll no more often than every ${String(pollingInterval)} seconds`);
  }
  const result = code.result;
  if (!result) throw new AuthorizationPending('the end-user has not yet answered the request');
  if ('error' in result) {
    await deps.models.destroy('DeviceCode', code);
    throw new AccessDenied(result.errorDescription ?? 'the end-user denied the request');
  }
  const resource = grantedResource(deps.config, params.resource, code.params.resource);
  const grant = await liveGrant(result.grantId, client, result.accountId, deps);
  const account = await liveAccount(result.accountId, deps);

  const consumed = await deps.models.consume('DeviceCode', code.jti);
  if (!consumed) {
    await deps.models.destroy('DeviceCode', code.jti);
    await revokeGrant(ctx, result.grantId, deps);
    throw new InvalidGrant('device code has already been used; tokens issued from it are revoked');
  }
  ctx.oidc.accountId = result.accountId;
  const fields: GrantBound = {
    accountId: result.accountId,
    clientId: client.clientId,
    grantId: result.grantId,
    scope: result.scope,
  };
  if (result.sessionUid !== undefined) fields.sessionUid = result.sessionUid;
  if (result.sid !== undefined) fields.sid = result.sid;
  if (result.authTime !== undefined) fields.authTime = result.authTime;
  if (result.acr !== undefined) fields.acr = result.acr;
  if (result.amr !== undefined) fields.amr = result.amr;
  const claims = code.params.claims as string | undefined;
  if (claims !== undefined && deps.config.features.claimsParameter.enabled) fields.claims = claims;
  return issueUserTokens(
    {
      client,
      account,
      grant,
      fields: withResource(fields, resource),
      // The grant type itself, as for the other grants (metrics label tokens by it).
      gty: deviceCodeGrantType,
      nonce: code.params.nonce,
      refresh: refreshAllowed(client, result.scope) ? { scope: result.scope, rotations: 0 } : undefined,
    },
    deps,
  );
};
