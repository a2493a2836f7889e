import type { AccountStore } from '../accounts/account-store.ts';
import type { ClientStore } from '../clients/client-store.ts';
import type { ProviderConfig } from '../config/options.ts';
import type { RequestContext } from '../events/context.ts';
import type { ProviderEmitter } from '../events/events.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import type { Session } from '../models/types.ts';
import { outboundPolicyOf } from '../outbound/of-config.ts';
import { clientAuthorization } from '../sessions/session.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';
import { deliverLogoutToken } from './deliver.ts';
import { signLogoutToken } from './logout-token.ts';

export interface BackchannelDeps {
  config: ProviderConfig;
  clients: ClientStore;
  accounts: AccountStore;
  keys: KeystoreHolder;
  clock: Clock;
  events: ProviderEmitter;
}

/**
 * Notifies, in parallel, every given client of the session that registered a `backchannel_logout_uri`, and waits for
 * all of them. Each outcome is an event: `backchannel.success (ctx, client, accountId, sid)` or
 * `backchannel.error (ctx, error, client, accountId, sid)`. A failure never stops the logout: the end-user's session
 * ends whatever an RP answers. Does nothing when `features.backchannelLogout` is off.
 */
export async function notifyBackchannelLogout(
  ctx: RequestContext,
  session: Session,
  clientIds: readonly string[],
  deps: BackchannelDeps,
): Promise<void> {
  const { accountId } = session;
  if (!deps.config.features.backchannelLogout.enabled || accountId === undefined) return;
  const account = await deps.accounts.findById(accountId);
  const now = epochSeconds(deps.clock);
  await Promise.all(
    clientIds.map(async (clientId) => {
      const client = await deps.clients.find(clientId);
      // An entry left by a deleted client of the same id is not this client's: its new registration learns nothing.
      const sid = client && clientAuthorization(session, client)?.sid;
      const uri = client?.metadata.backchannel_logout_uri;
      if (!client || uri === undefined || sid === undefined) return;
      try {
        const token = await signLogoutToken(
          { issuer: deps.config.issuer, client, sid, now, ...(account ? { sub: account.sub } : {}) },
          deps.keys,
        );
        await deliverLogoutToken(uri, token, outboundPolicyOf(deps.config));
        deps.events.emitSafely('backchannel.success', ctx, client, accountId, sid);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        deps.events.emitSafely('backchannel.error', ctx, failure, client, accountId, sid);
      }
    }),
  );
}
