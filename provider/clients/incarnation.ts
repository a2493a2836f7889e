import type { Client } from './client.ts';

/**
 * A `client_id` can name several clients over time: a registered client deleted (RFC 7592 §2.3) and registered again
 * under the same id — which the `client_id` policy of an initial access token allows — is a new client, and nothing
 * the end-users gave or the provider issued to the old one may serve the new one.
 */

/**
 * Whether a token issued at `iat` (s) was issued to this client as it exists now: tokens of an earlier registration
 * are older than its `client_id_issued_at`. With the client lookup every token-accepting endpoint does, this ends a
 * deleted client's tokens that deletion could not find (those not bound to a grant). Static clients have no
 * `client_id_issued_at`.
 */
export function issuedToCurrentClient(client: Client, iat: number): boolean {
  const issuedAt = client.metadata.client_id_issued_at;
  return issuedAt === undefined || iat >= issuedAt;
}

/** A client as grants and session entries name it: its id and which registration of that id. */
export interface ClientRef {
  clientId: string;
  incarnation?: string | undefined;
}

/**
 * Whether a grant (or another record bound to a client incarnation) belongs to this client as it exists now: same id
 * and same incarnation. Grants carry the incarnation they were given for, so a re-registered id starts with no
 * consent (`prompt=none` answers `consent_required`) even if a grant of the old client survived deletion.
 */
export function boundToCurrentClient(
  record: { clientId: string; clientIncarnation?: string | undefined },
  client: ClientRef,
): boolean {
  return record.clientId === client.clientId && record.clientIncarnation === client.incarnation;
}
