/**
 * The first step of every client configuration request (RFC 7592 §2): the registration access token of the client in
 * the path, then the client's stored record. A token whose client no longer exists (lost from storage) is
 * `invalid_token` as well, which tells the registrant to register again (RFC 7592 §2.1: "the client MUST NOT attempt
 * to use the registration access token again"). Static clients have no registration access token, so they can never
 * be read, changed or deleted here.
 */
import { Client } from '../clients/client.ts';
import { InvalidToken } from '../errors/oidc-error.ts';
import type { ClientRecord, RegistrationAccessToken } from '../models/types.ts';
import { requiredBearer } from './bearer.ts';
import type { RegistrationDeps, RegistrationRequest } from './operation.ts';
import { verifyRegistrationAccessToken } from './registration-access-token.ts';

export interface ManagedClient {
  /** The presented registration access token (echoed in responses, RFC 7592 §3). */
  value: string;
  token: RegistrationAccessToken;
  record: ClientRecord;
  client: Client;
}

export async function authorizeManagement(
  request: RegistrationRequest,
  deps: Pick<RegistrationDeps, 'models'>,
): Promise<ManagedClient> {
  const value = requiredBearer(request.authorization, 'a registration access token');
  const clientId = request.clientId ?? '';
  const token = await verifyRegistrationAccessToken(deps.models, value, clientId);
  const record = await deps.models.find('Client', clientId);
  if (!record) throw new InvalidToken('registration access token is invalid');
  const client = Client.fromRecord(record);
  request.ctx.oidc.client = client.toJSON();
  return { value, token, record, client };
}
