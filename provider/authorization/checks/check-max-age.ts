/**
 * Validates `max_age` (OIDC Core §3.1.2.1): a non-negative integer number of seconds. How old an authentication may be
 * is decided later, against the session (`prompts.ts`).
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

export const checkMaxAge: AuthorizationCheck = (request) => {
  const value = request.params.max_age;
  if (value === undefined) return;
  if (!/^\d{1,10}$/.test(value)) throw new InvalidRequest('max_age must be a non-negative integer');
  request.maxAge = Number(value);
};
