/**
 * Client registration (RFC 7591 §3.1–3.2), in order: the initial access token (required unless
 * `features.registration.initialAccessToken` is false; a presented one must be valid either way) → a JSON object →
 * the `client_id`, generated unless the token's `client_id` policy lets the request choose it → metadata validation →
 * a secret for a confidential client → the client stored atomically only if the id is free (two replicas registering
 * one requested id: exactly one wins) → its registration access token → 201 with the client information response and
 * `registration_create.success`.
 */
import { Client } from '../clients/client.ts';
import { metadataContext } from '../clients/client-store.ts';
import { InvalidClientMetadata, InvalidToken } from '../errors/oidc-error.ts';
import { shortId } from '../models/ids.ts';
import { epochSeconds } from '../time/clock.ts';
import { optionalBearer } from './bearer.ts';
import { clientInformation } from './client-information.ts';
import { secretForNewClient } from './client-secret.ts';
import { verifyInitialAccessToken, type InitialAccessGrant } from './initial-access-token.ts';
import { REGISTERED_CLIENT_LIFETIME, type RegistrationOperation } from './operation.ts';
import { issueRegistrationAccessToken } from './registration-access-token.ts';
import { jsonObjectBody, validateRequestedMetadata } from './request-metadata.ts';

export const createClient: RegistrationOperation = async (request, deps) => {
  const feature = deps.config.features.registration;
  const token = optionalBearer(request.authorization);
  if (token === undefined && feature.initialAccessToken) {
    throw new InvalidToken('an initial access token is required (Authorization: Bearer)');
  }
  const access: InitialAccessGrant =
    token === undefined
      ? { policies: new Set() }
      : await verifyInitialAccessToken(token, { configured: feature.initialAccessTokens ?? [], models: deps.models });
  const body = jsonObjectBody(request.body, request.bodyIsJson);

  if (body.client_secret !== undefined) {
    throw new InvalidClientMetadata('client_secret is issued by the provider, not chosen by the client');
  }
  const requested = body.client_id;
  if (requested !== undefined && !access.policies.has('client_id')) {
    throw new InvalidClientMetadata(
      'client_id is assigned by the provider (this initial access token may not choose it)',
    );
  }
  if (requested !== undefined && typeof requested !== 'string') {
    throw new InvalidClientMetadata('client_id must be a string');
  }
  const clientId = requested ?? shortId();
  const metadata = validateRequestedMetadata(body, clientId, metadataContext(deps.config));
  if (requested !== undefined && (await deps.clients.find(clientId))) {
    throw new InvalidClientMetadata('client_id is already in use');
  }

  const iat = epochSeconds(deps.clock);
  const exp = iat + REGISTERED_CLIENT_LIFETIME;
  const secret = secretForNewClient(metadata);
  metadata.client_id_issued_at = iat;
  if (secret.issued !== undefined) metadata.client_secret_expires_at = 0;
  // A fresh incarnation: whatever a deleted client of this id left behind (grants, session entries) is not this one's.
  const client = new Client(metadata, secret.material, false, shortId());
  if (!(await deps.models.saveOnce(client.toRecord(iat, exp)))) {
    throw new InvalidClientMetadata('client_id is already in use');
  }
  let rat: string;
  try {
    rat = (await issueRegistrationAccessToken(deps.models, clientId, { iat, exp })).value;
  } catch (error) {
    // Without its registration access token nobody could manage or delete the client: take it back.
    await deps.models.destroy('Client', clientId).catch(() => undefined);
    throw error;
  }
  request.ctx.oidc.client = client.toJSON();
  deps.events.emitSafely('registration_create.success', request.ctx, client.toJSON());
  return {
    status: 201,
    body: clientInformation(client, {
      issuer: deps.config.issuer,
      registrationAccessToken: rat,
      issuedSecret: secret.issued,
    }),
  };
};
