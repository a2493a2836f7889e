/**
 * The client metadata of a registration or update request (RFC 7591 §2, §3.1; RFC 7592 §2.2): a JSON object,
 * validated by the same rules as static clients (`validateClientMetadata`), so a registered client can do nothing a
 * static one could not. Members the provider itself sets (`registration_access_token`, `registration_client_uri`,
 * `client_id_issued_at`, `client_secret_expires_at`) are dropped: a client may echo a read response back in an update.
 * Unknown members are ignored (RFC 7591 §2).
 */
import type { MetadataContext } from '../clients/metadata.ts';
import { validateClientMetadata } from '../clients/metadata.ts';
import type { ClientMetadata } from '../clients/client.ts';
import { InvalidClientMetadata, InvalidRequest } from '../errors/oidc-error.ts';

const providerManaged = [
  'registration_access_token',
  'registration_client_uri',
  'client_id_issued_at',
  'client_secret_expires_at',
  'client_secret',
] as const;

/**
 * The request body as a JSON object. The endpoint hands over the raw bytes so that parsing happens only after the
 * bearer token was checked: an unauthenticated caller learns nothing from how its body is judged.
 */
export function jsonObjectBody(raw: unknown, contentTypeIsJson: boolean): Record<string, unknown> {
  if (!contentTypeIsJson) throw new InvalidRequest('the request body must be application/json');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '');
  } catch {
    throw new InvalidRequest('the request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidClientMetadata('the request body must be a JSON object of client metadata');
  }
  return body as Record<string, unknown>;
}

/**
 * Validates requested metadata for `clientId` (the generated, requested or registered id). `client_secret` is never
 * taken from the request: the provider issues secrets (`client-secret.ts`).
 */
export function validateRequestedMetadata(
  body: Readonly<Record<string, unknown>>,
  clientId: string,
  context: MetadataContext,
): ClientMetadata {
  const managed: ReadonlySet<string> = new Set(providerManaged);
  const input = Object.fromEntries(Object.entries(body).filter(([name]) => !managed.has(name)));
  input.client_id = clientId;
  return validateClientMetadata(input, context, { secretRequired: false }).metadata;
}
