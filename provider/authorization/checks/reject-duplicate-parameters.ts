/**
 * Reads the recognised parameters and rejects any given more than once (RFC 6749 §3.1: "Request and response
 * parameters MUST NOT be included more than once"). A repeated `redirect_uri` or `client_id` is ambiguous, so this
 * runs first and its error is shown on the error page. Unrecognised parameters are ignored, repeated or not.
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import { authorizationParameters } from '../parameters.ts';
import type { AuthorizationCheck } from '../request.ts';

export const rejectDuplicateParameters: AuthorizationCheck = (request) => {
  for (const name of authorizationParameters) {
    const value = request.input[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) throw new InvalidRequest(`'${name}' parameter must not be provided more than once`);
    if (typeof value !== 'string') throw new InvalidRequest(`'${name}' parameter must be a string`);
    // An empty value counts as absent (RFC 6749 §3.1: "parameters sent without a value MUST be treated as if they
    // were omitted").
    if (value !== '') request.params[name] = value;
  }
};
