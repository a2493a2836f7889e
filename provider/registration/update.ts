/**
 * Client update (RFC 7592 §2.2), in order: the registration access token of the client → a JSON object → none of the
 * fields the provider sets (`registration_access_token`, `registration_client_uri`, `client_secret_expires_at`,
 * `client_id_issued_at`) → `client_id` present and equal to the registered one → `client_secret`, when present, equal to the current one → the body
 * replaces the metadata (omitted fields take their defaults, as at registration) → the secret is kept unless the new
 * authentication method cannot use it (`client-secret.ts`); `client_id_issued_at` is kept → 200 with the client
 * information response and `registration_update.success`. Neither the secret nor the registration access token is
 * rotated by an update.
 */
import { Client } from '../clients/client.ts';
import { metadataContext } from '../clients/client-store.ts';
import { InvalidRequest } from '../errors/oidc-error.ts';
import { clientInformation } from './client-information.ts';
import { matchesCurrentSecret, secretForUpdate } from './client-secret.ts';
import { authorizeManagement } from './management-access.ts';
import type { RegistrationOperation } from './operation.ts';

const providerSetFields = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
] as const;
import { jsonObjectBody, validateRequestedMetadata } from './request-metadata.ts';

export const updateClient: RegistrationOperation = async (request, deps) => {
  const managed = await authorizeManagement(request, deps);
  const body = jsonObjectBody(request.body, request.bodyIsJson);
  // RFC 7592 §2.2: "The client MUST NOT include" these; refused as oidc-provider does, so a client that echoes a
  // read answer back learns that they are the provider's, not its own.
  const forbidden = providerSetFields.find((name) => body[name] !== undefined);
  if (forbidden) throw new InvalidRequest(`the request must not include ${forbidden}`);
  if (body.client_id !== managed.client.clientId) {
    throw new InvalidRequest('client_id is required and must equal the registered client_id');
  }
  const presentedSecret = body.client_secret;
  if (presentedSecret !== undefined) {
    if (typeof presentedSecret !== 'string' || !(await matchesCurrentSecret(presentedSecret, managed.record))) {
      throw new InvalidRequest('client_secret does not match the current client secret');
    }
  }
  const metadata = validateRequestedMetadata(body, managed.client.clientId, metadataContext(deps.config));
  const secret = secretForUpdate(metadata, managed.record);
  const issuedAt = managed.client.metadata.client_id_issued_at;
  if (issuedAt !== undefined) metadata.client_id_issued_at = issuedAt;
  if (Object.keys(secret.material).length > 0) metadata.client_secret_expires_at = 0;
  const client = new Client(metadata, secret.material, false, managed.record.incarnation);
  await deps.models.save(client.toRecord(managed.record.iat, managed.record.exp));
  request.ctx.oidc.client = client.toJSON();
  deps.events.emitSafely('registration_update.success', request.ctx, client.toJSON());
  return {
    status: 200,
    body: clientInformation(client, {
      issuer: deps.config.issuer,
      registrationAccessToken: managed.value,
      issuedSecret: secret.issued,
    }),
  };
};
