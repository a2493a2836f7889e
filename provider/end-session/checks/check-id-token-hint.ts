/**
 * Verifies `id_token_hint` (RP-Initiated Logout §2): an ID token this provider issued, signed by one of its published
 * keys (`verificationKey(kid)`, so a token from before a key rotation still works) with that key's algorithm only —
 * never `none`, never HMAC — and with us as issuer. Expiry is not checked: RPs log out with the ID token they hold,
 * which has usually expired (the spec allows it). Its audience identifies the client; a `client_id` that names
 * another client is refused, as oidc-provider does.
 */
import { compactVerify, decodeProtectedHeader } from 'jose';
import { InvalidRequest, OIDCError } from '../../errors/oidc-error.ts';
import type { EndSessionCheck } from '../request.ts';

const invalid = (): OIDCError => new InvalidRequest('id_token_hint could not be validated');

export const checkIdTokenHint: EndSessionCheck = async (request, { config, keys, clients }) => {
  const token = request.params.id_token_hint;
  if (token === undefined) return;
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw invalid();
  }
  const key = kid === undefined ? undefined : keys.current.verificationKey(kid);
  if (!key) throw invalid();
  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(token, key.key, { algorithms: [key.alg] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch {
    throw invalid();
  }
  if (payload.iss !== config.issuer || typeof payload.sub !== 'string' || payload.sub === '') throw invalid();
  // Our ID tokens have the client as their only audience (`azp` only when not); take the first string either way.
  const audience = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
    (aud): aud is string => typeof aud === 'string',
  );
  const clientId = typeof payload.azp === 'string' ? payload.azp : audience.at(0);
  if (clientId === undefined) throw invalid();
  const presented = request.params.client_id;
  if (presented !== undefined && presented !== clientId && !audience.includes(presented)) {
    throw new InvalidRequest('client_id does not match the provided id_token_hint');
  }
  const client = await clients.find(presented ?? clientId);
  if (!client) throw new OIDCError('invalid_client', 'id_token_hint audience is not a known client', 400);
  request.client = client;
  request.idTokenHint = { sub: payload.sub, ...(typeof payload.sid === 'string' ? { sid: payload.sid } : {}) };
};
