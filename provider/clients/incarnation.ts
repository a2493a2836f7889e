import type { Client } from './client.ts';

/**
 * Whether a token issued at `iat` (s) was issued to this client as it exists now. A registered client that was
 * deleted and registered again under the same `client_id` (RFC 7592 delete, then a registration that chose the id)
 * is a new client: tokens of the old one are older than its `client_id_issued_at` and must not work for it. Storage
 * has no index of tokens by client, so this check — with the client lookup every token-accepting endpoint does —
 * is what ends a deleted client's tokens. Static clients have no `client_id_issued_at`.
 */
export function issuedToCurrentClient(client: Client, iat: number): boolean {
  const issuedAt = client.metadata.client_id_issued_at;
  return issuedAt === undefined || iat >= issuedAt;
}
