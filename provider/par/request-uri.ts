import { InvalidRequest, InvalidRequestUri } from '../errors/oidc-error.ts';
import type { ModelRepository } from '../models/repository.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';

/**
 * The `request_uri` of a pushed authorization request (RFC 9126 §2.2): a URN naming the stored request. Its random
 * part is the storage id, 256 random bits (`secretId`), so it cannot be guessed.
 */
export const requestUriPrefix = 'urn:ietf:params:oauth:request_uri:';

export function requestUriFor(id: string): string {
  return `${requestUriPrefix}${id}`;
}

/**
 * Resolves the `request_uri` of an authorization request (RFC 9126 §4): it must name a live pushed request of the same
 * `client_id`, and is consumed once (atomically: of two replicas resolving it at once, one wins). The stored,
 * already-validated parameters replace everything else the request carried. Checked before consuming, so another
 * client cannot burn someone else's request_uri. Every failure is `invalid_request_uri` (shown on the error page: no
 * redirect URI is trusted yet).
 */
export async function resolveRequestUri(
  requestUri: unknown,
  clientId: unknown,
  deps: { models: ModelRepository; clock: Clock },
): Promise<Record<string, string>> {
  if (typeof requestUri !== 'string') throw new InvalidRequest("'request_uri' must be given exactly once");
  if (typeof clientId !== 'string' || clientId === '') {
    throw new InvalidRequest("missing required parameter 'client_id'");
  }
  if (!requestUri.startsWith(requestUriPrefix)) throw new InvalidRequestUri('request_uri is not a pushed request');
  const id = requestUri.slice(requestUriPrefix.length);
  const pushed = await deps.models.find('PushedAuthorizationRequest', id);
  if (!pushed || pushed.exp <= epochSeconds(deps.clock)) {
    throw new InvalidRequestUri('request_uri is invalid, expired or already used');
  }
  if (pushed.clientId !== clientId) throw new InvalidRequestUri('request_uri was pushed by another client');
  const consumed = await deps.models.consume('PushedAuthorizationRequest', id);
  if (!consumed) throw new InvalidRequestUri('request_uri is invalid, expired or already used');
  // Used once: destroyed now (emits `pushed_authorization_request.destroyed`) rather than kept until it expires.
  await deps.models.destroy('PushedAuthorizationRequest', consumed);
  return { ...pushed.params };
}
