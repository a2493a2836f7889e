import type { Client } from '../clients/client.ts';
import type { PresentedToken } from '../tokens/find-presented.ts';

/**
 * Who may learn about a token (RFC 7662 §4: the server must keep clients from fishing for tokens; the answer carries
 * `sub` and `username`). As Keycloak and Hydra do, not every authenticated client may introspect every token:
 * - the client the token was issued to;
 * - a resource server the token is meant for: a client whose `client_id` is the token's audience (`aud`, the resource
 *   indicator chosen for it, RFC 8707);
 * - a confidential client listed in `features.introspection.allowedClients` (an API gateway), for any token.
 * A public client, which anyone can impersonate, only ever sees its own tokens. Refused is answered exactly like an
 * unknown token: `{ active: false }`.
 */
export function mayIntrospect(caller: Client, token: PresentedToken, allowedClients: readonly string[]): boolean {
  if (token.clientId === caller.clientId) return true;
  if (caller.isPublic) return false;
  if (token.kind !== 'RefreshToken' && token.aud !== undefined && token.aud === caller.clientId) return true;
  return allowedClients.includes(caller.clientId);
}
