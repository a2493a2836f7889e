/**
 * Verifies `id_token_hint` (OIDC Core §3.1.2.1) with `verifyIdTokenHint` (our issuer, our published keys, never
 * `none` or HMAC; it may be expired: the hint identifies a past authentication), and requires the requesting client
 * among its audiences. Its `sub` is later compared with the session's (`prompts.ts`).
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import { audiencesOf, verifyIdTokenHint } from '../../tokens/verify-id-token-hint.ts';
import type { AuthorizationCheck } from '../request.ts';

export const checkIdTokenHint: AuthorizationCheck = async (request, { config, keys }) => {
  const token = request.params.id_token_hint;
  if (token === undefined) return;
  const payload = await verifyIdTokenHint(token, keys.current, config.issuer);
  const clientId = request.client?.clientId;
  if (clientId === undefined || !audiencesOf(payload).includes(clientId)) {
    throw new InvalidRequest('id_token_hint could not be validated');
  }
  request.idTokenHint = { sub: payload.sub };
};
