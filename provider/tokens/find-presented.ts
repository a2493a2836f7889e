import type { ModelRepository } from '../models/repository.ts';
import type { AccessToken, ClientCredentials, RefreshToken } from '../models/types.ts';
import { opaqueTokenId } from './opaque.ts';

/**
 * Finds a token a client presents to introspection (RFC 7662) or revocation (RFC 7009): an opaque access token,
 * client-credentials token or refresh token, all stored under the SHA-256 of their value. `token_type_hint` only
 * orders the look-ups (RFC 7009 §2.1: the server extends its search to all types when the hint is wrong); unknown
 * hints are ignored, as oidc-provider does.
 */

export type PresentedToken = AccessToken | ClientCredentials | RefreshToken;

const accessHints = new Set(['access_token', 'urn:ietf:params:oauth:token-type:access_token']);
const refreshHints = new Set(['refresh_token', 'urn:ietf:params:oauth:token-type:refresh_token']);

export async function findPresentedToken(
  models: ModelRepository,
  value: string,
  hint: string | undefined,
): Promise<PresentedToken | undefined> {
  const id = opaqueTokenId(value);
  const access = async (): Promise<PresentedToken | undefined> =>
    (await models.find('AccessToken', id)) ?? (await models.find('ClientCredentials', id));
  const refresh = (): Promise<PresentedToken | undefined> => models.find('RefreshToken', id);
  if (hint !== undefined && refreshHints.has(hint)) return (await refresh()) ?? (await access());
  if (hint !== undefined && accessHints.has(hint)) return (await access()) ?? (await refresh());
  return (await access()) ?? (await refresh());
}

/** Whether a value has the shape of a JWS compact serialization (a structured token, never stored by its hash). */
export function isStructuredToken(value: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value);
}
