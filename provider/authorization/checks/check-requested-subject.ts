/**
 * A `sub` claim requested with a value (OIDC Core §5.5.1, §3.1.2.2): the provider "MUST only send a positive response
 * if the End-User identified by that sub value has an active session … or has been Authenticated as a result of the
 * request", never a code for another user even if that user has a session. This check reads the value from `claims`
 * (`id_token.sub.value` and `userinfo.sub.value`, which must agree); the session is compared later (`prompts.ts`):
 * another user's session asks for a login (`login_required` under `prompt=none`), and a login as another user ends
 * the request with `access_denied`. Runs after `checkClaims`.
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

export const checkRequestedSubject: AuthorizationCheck = (request) => {
  const values = new Set<unknown>();
  for (const sub of [request.claims?.id_token?.sub, request.claims?.userinfo?.sub]) {
    if (sub?.value !== undefined) values.add(sub.value);
    if (sub?.values !== undefined) throw new InvalidRequest('claims sub must be requested with value, not values');
  }
  if (values.size === 0) return;
  const [value] = values;
  if (values.size > 1 || typeof value !== 'string' || value === '') {
    throw new InvalidRequest('claims sub value must be one non-empty string');
  }
  request.requestedSub = value;
};
