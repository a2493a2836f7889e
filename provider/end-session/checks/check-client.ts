/**
 * Resolves the client from `client_id` when `id_token_hint` did not already. Optional: a logout without any client
 * is allowed, but then no post-logout redirect is possible. An unknown `client_id` is refused (error page).
 */
import { OIDCError } from '../../errors/oidc-error.ts';
import type { EndSessionCheck } from '../request.ts';

export const checkClient: EndSessionCheck = async (request, { clients }) => {
  const clientId = request.params.client_id;
  if (request.client || clientId === undefined) return;
  const client = await clients.find(clientId);
  if (!client) throw new OIDCError('invalid_client', 'client_id does not identify a known client', 400);
  request.client = client;
};
