import { notifyBackchannelLogout, type BackchannelDeps } from '../backchannel/notify.ts';
import type { RequestContext } from '../events/context.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { Session } from '../models/types.ts';
import { revokeGrant } from '../token/revoke-grant.ts';

export interface LogoutDeps extends BackchannelDeps {
  models: ModelRepository;
}

/**
 * Whether a client's grant outlives the logout. As oidc-provider (`persistsLogout`): a grant that includes
 * `offline_access` was given for use while the end-user is away, so signing out of the browser does not revoke it;
 * every other grant — and with it the tokens issued from it — ends with the session.
 */
async function revokeUnlessOffline(ctx: RequestContext, grantId: string, deps: LogoutDeps): Promise<void> {
  const grant = await deps.models.find('Grant', grantId);
  if (grant?.scopes.includes('offline_access')) return;
  await revokeGrant(ctx, grantId, deps);
}

/**
 * Signs the end-user out of the whole session: every client of the session that registered a
 * `backchannel_logout_uri` is notified (and awaited), the grants of the session's clients are revoked unless they
 * include `offline_access`, and the session record is destroyed (`session.destroyed`). Clearing the cookie is the
 * caller's: this knows nothing of HTTP.
 */
export async function endWholeSession(ctx: RequestContext, session: Session, deps: LogoutDeps): Promise<void> {
  const clientIds = Object.keys(session.authorizations);
  await notifyBackchannelLogout(ctx, session, clientIds, deps);
  await Promise.all(
    Object.values(session.authorizations).map(({ grantId }) => revokeUnlessOffline(ctx, grantId, deps)),
  );
  await deps.models.destroy('Session', session);
}

/**
 * Ends only one client's part of the session, when the end-user chose to stay signed in at the provider (as
 * oidc-provider does without `logout`): that client is notified, its grant revoked unless offline, and it is removed
 * from the session, so the next authorization for it starts afresh while other clients keep theirs.
 */
export async function endClientSession(
  ctx: RequestContext,
  session: Session,
  clientId: string,
  deps: LogoutDeps,
): Promise<void> {
  const authorization = Object.hasOwn(session.authorizations, clientId) ? session.authorizations[clientId] : undefined;
  if (!authorization) return;
  await notifyBackchannelLogout(ctx, session, [clientId], deps);
  await revokeUnlessOffline(ctx, authorization.grantId, deps);
  const { [clientId]: _removed, ...rest } = session.authorizations;
  session.authorizations = rest;
  await deps.models.save(session);
}
