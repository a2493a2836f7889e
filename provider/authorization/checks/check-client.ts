/**
 * Resolves the client from `client_id`. Without a known client there is no registered redirect URI to trust, so this
 * error is shown on the error page and never redirected.
 */
import { InvalidRequest, OIDCError } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

export const checkClient: AuthorizationCheck = async (request, { clients }) => {
  const clientId = request.params.client_id;
  if (clientId === undefined) throw new InvalidRequest("missing required parameter 'client_id'");
  const client = await clients.find(clientId);
  if (!client) throw new OIDCError('invalid_client', 'client_id does not identify a known client', 400);
  request.client = client;
};
