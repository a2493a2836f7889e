/**
 * Client deletion (RFC 7592 §2.3): the registration access token of the client → the client record and its
 * registration access token destroyed (`registration_access_token.destroyed`) → the client's grants revoked with
 * everything issued from them (`grant.revoked` each; `token/revoke-client.ts`) → 204 and `registration_delete.success`.
 * What no index finds stops working all the same: every endpoint that accepts a token resolves the token's client,
 * `issuedToCurrentClient` refuses tokens older than a client registered again under the same id, and grants and
 * session entries name the client's incarnation, which a new registration never shares (`clients/incarnation.ts`).
 */
import { revokeClientGrants } from '../token/revoke-client.ts';
import { authorizeManagement } from './management-access.ts';
import type { RegistrationOperation } from './operation.ts';

export const deleteClient: RegistrationOperation = async (request, deps) => {
  const managed = await authorizeManagement(request, deps);
  await deps.models.destroy('Client', managed.record);
  await deps.models.destroy('RegistrationAccessToken', managed.token);
  await revokeClientGrants(request.ctx, managed.client.clientId, deps);
  // Token times are whole seconds: answering only once this second is over means a client registered again under
  // this id (after the 204) gets a later `client_id_issued_at` than every token of the deleted one.
  const msIntoSecond = deps.clock.now() % 1000;
  await new Promise((resolve) => setTimeout(resolve, 1000 - msIntoSecond));
  deps.events.emitSafely('registration_delete.success', request.ctx, managed.client.toJSON());
  return { status: 204 };
};
