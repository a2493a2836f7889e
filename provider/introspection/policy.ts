import type { Client } from '../clients/client.ts';
import type { PresentedToken } from '../tokens/find-presented.ts';

/**
 * Who may learn about a token (RFC 7662 §4: the server must keep clients from fishing for tokens), following
 * oidc-provider's default `introspection.allowedPolicy`: an authenticated (confidential) client — typically a resource
 * server — may introspect any token; a public client, which anyone can impersonate, only tokens issued to itself.
 * Refused is answered exactly like an unknown token: `{ active: false }`.
 */
export function mayIntrospect(caller: Client, token: PresentedToken): boolean {
  return !caller.isPublic || token.clientId === caller.clientId;
}
