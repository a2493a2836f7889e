/**
 * Verifies `id_token_hint` (RP-Initiated Logout §2) with `verifyIdTokenHint` (our issuer, our published keys, never
 * `none` or HMAC). Expiry is not checked: RPs log out with the ID token they hold, which has usually expired (the spec
 * allows it). Its audience identifies the client; a `client_id` that names another client is refused, as
 * oidc-provider does.
 */
import { InvalidRequest, OIDCError } from '../../errors/oidc-error.ts';
import { audiencesOf, verifyIdTokenHint } from '../../tokens/verify-id-token-hint.ts';
import type { EndSessionCheck } from '../request.ts';

export const checkIdTokenHint: EndSessionCheck = async (request, { config, keys, clients }) => {
  const token = request.params.id_token_hint;
  if (token === undefined) return;
  const payload = await verifyIdTokenHint(token, keys.current, config.issuer);
  // Our ID tokens have the client as their only audience (`azp` only when not); take the first string either way.
  const audience = audiencesOf(payload);
  const clientId = typeof payload.azp === 'string' ? payload.azp : audience.at(0);
  if (clientId === undefined) throw new InvalidRequest('id_token_hint could not be validated');
  const presented = request.params.client_id;
  if (presented !== undefined && presented !== clientId && !audience.includes(presented)) {
    throw new InvalidRequest('client_id does not match the provided id_token_hint');
  }
  const client = await clients.find(presented ?? clientId);
  if (!client) throw new OIDCError('invalid_client', 'id_token_hint audience is not a known client', 400);
  request.client = client;
  request.idTokenHint = { sub: payload.sub, ...(typeof payload.sid === 'string' ? { sid: payload.sid } : {}) };
};
