/**
 * The client information response (RFC 7591 §3.2.1, RFC 7592 §3): every registered metadata value, the
 * `registration_access_token` and `registration_client_uri` (REQUIRED by RFC 7592 §3, so a read answer carries the
 * token that was presented), and `client_secret` only when it was issued by this very request — the provider keeps a
 * hash, never the secret.
 */
import type { Client } from '../clients/client.ts';
import { endpointUrl, paths } from '../http/paths.ts';

/** `registration_client_uri` of a client: the registration endpoint plus the URL-encoded client id. */
export function registrationClientUri(issuer: string, clientId: string): string {
  return `${endpointUrl(issuer, paths.registration)}/${encodeURIComponent(clientId)}`;
}

export function clientInformation(
  client: Client,
  options: { issuer: string; registrationAccessToken: string; issuedSecret?: string | undefined },
): Record<string, unknown> {
  const { client_id: clientId, ...metadata } = client.metadata;
  const response: Record<string, unknown> = { client_id: clientId };
  if (options.issuedSecret !== undefined) response.client_secret = options.issuedSecret;
  Object.assign(response, metadata);
  response.registration_access_token = options.registrationAccessToken;
  response.registration_client_uri = registrationClientUri(options.issuer, clientId);
  return response;
}
