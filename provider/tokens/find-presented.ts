import type { ModelRepository } from '../models/repository.ts';
import type { AccessToken, ClientCredentials, RefreshToken } from '../models/types.ts';
import { opaqueTokenId } from './opaque.ts';

/**
 * Finds a token a client presents to introspection (RFC 7662) or revocation (RFC 7009): an opaque access token,
 * client-credentials token or refresh token, all stored under the SHA-256 of their value. `token_type_hint` only
 * orders which hit is taken (RFC 7009 §2.1: the server extends its search to all types when the hint is wrong); unknown
 * hints are ignored, as oidc-provider does.
 */

export type PresentedToken = AccessToken | ClientCredentials | RefreshToken;

const refreshHints = new Set(['refresh_token', 'urn:ietf:params:oauth:token-type:refresh_token']);

export async function findPresentedToken(
  models: ModelRepository,
  value: string,
  hint: string | undefined,
): Promise<PresentedToken | undefined> {
  const id = opaqueTokenId(value);
  // All three look-ups at once — one storage round trip instead of up to three in a row; the hint picks the order in
  // which a hit is taken (an id is a 256-bit hash, so in practice at most one of them exists).
  const [access, clientCredentials, refresh] = await models.findEach(
    ['AccessToken', 'ClientCredentials', 'RefreshToken'],
    id,
  );
  if (hint !== undefined && refreshHints.has(hint)) return refresh ?? access ?? clientCredentials;
  return access ?? clientCredentials ?? refresh;
}

/** Whether a value has the shape of a JWS compact serialization (a structured token, never stored by its hash). */
export function isStructuredToken(value: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value);
}
