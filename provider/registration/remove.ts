/**
 * Client deletion (RFC 7592 §2.3): the registration access token of the client → the client record and its
 * registration access token destroyed (`registration_access_token.destroyed`) → 204 and
 * `registration_delete.success`. Tokens issued to the client stop working with it: every endpoint that accepts a token
 * resolves the token's client, and `issuedToCurrentClient` refuses tokens older than a client registered again under
 * the same id (storage has no index of tokens by client to delete them one by one); a deleted client's stored tokens
 * expire with their TTL.
 */
import { authorizeManagement } from './management-access.ts';
import type { RegistrationOperation } from './operation.ts';

export const deleteClient: RegistrationOperation = async (request, deps) => {
  const managed = await authorizeManagement(request, deps);
  await deps.models.destroy('Client', managed.record);
  await deps.models.destroy('RegistrationAccessToken', managed.token);
  // Token times are whole seconds: answering only once this second is over means a client registered again under
  // this id (after the 204) gets a later `client_id_issued_at` than every token of the deleted one.
  const msIntoSecond = deps.clock.now() % 1000;
  await new Promise((resolve) => setTimeout(resolve, 1000 - msIntoSecond));
  deps.events.emitSafely('registration_delete.success', request.ctx, managed.client.toJSON());
  return { status: 204 };
};
