/**
 * Client read (RFC 7592 §2.1): the registration access token of the client, then 200 with the client information
 * response. No success event exists for reads (EVENTS.md); errors are `registration_read.error`.
 */
import { authorizeManagement } from './management-access.ts';
import { clientInformation } from './client-information.ts';
import type { RegistrationOperation } from './operation.ts';

export const readClient: RegistrationOperation = async (request, deps) => {
  const managed = await authorizeManagement(request, deps);
  return {
    status: 200,
    body: clientInformation(managed.client, { issuer: deps.config.issuer, registrationAccessToken: managed.value }),
  };
};
