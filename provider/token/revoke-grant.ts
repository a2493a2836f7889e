import type { RequestContext } from '../events/context.ts';
import type { ProviderEmitter } from '../events/events.ts';
import type { ModelRepository } from '../models/repository.ts';

/**
 * Revokes everything issued from one grant — access tokens, refresh tokens, authorization codes, device codes — and
 * the grant (remembered consent) itself, as oidc-provider does on a replayed code or refresh token: a replay means a
 * token leaked, and nothing issued from that grant can be trusted. `grant.revoked` is emitted first ("about to be
 * revoked", EVENTS.md) so listeners can cascade where an adapter cannot.
 */
export async function revokeGrant(
  ctx: RequestContext,
  grantId: string,
  deps: { models: ModelRepository; events: ProviderEmitter },
): Promise<void> {
  deps.events.emitSafely('grant.revoked', ctx, grantId);
  await Promise.all(
    (['AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode'] as const).map((model) =>
      deps.models.revokeByGrantId(model, grantId),
    ),
  );
  await deps.models.destroy('Grant', grantId);
}
