/**
 * Verifies `id_token_hint` (OIDC Core §3.1.2.1): an ID token this provider issued, signed by one of its published keys
 * (`verificationKey(kid)`, so a token signed before a key rotation still works) with that key's algorithm only — never
 * `none`, never HMAC. The issuer must be us and the audience must include the requesting client. It may be expired:
 * the hint identifies a past authentication. Its `sub` is later compared with the session's (`prompts.ts`).
 */
import { compactVerify, decodeProtectedHeader } from 'jose';
import { InvalidRequest, type OIDCError } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

const invalid = (): OIDCError => new InvalidRequest('id_token_hint could not be validated');

export const checkIdTokenHint: AuthorizationCheck = async (request, { config, keys }) => {
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
  const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (payload.iss !== config.issuer || !audience.includes(request.client?.clientId)) throw invalid();
  if (typeof payload.sub !== 'string' || payload.sub === '') throw invalid();
  request.idTokenHint = { sub: payload.sub };
};
