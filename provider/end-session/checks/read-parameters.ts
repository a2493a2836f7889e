/**
 * Reads the recognised parameters and rejects any given more than once (RP-Initiated Logout builds on OAuth 2.0 form
 * encoding, where a parameter must not repeat): a repeated `post_logout_redirect_uri` or `client_id` is ambiguous.
 * An empty value counts as absent. Unrecognised parameters are ignored. Made per parameter list, because the logout
 * request and the confirmation form carry different fields.
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import type { EndSessionCheck } from '../request.ts';

export function readParameters(names: readonly string[]): EndSessionCheck {
  return (request) => {
    for (const name of names) {
      const value = request.input[name];
      if (value === undefined) continue;
      if (Array.isArray(value)) throw new InvalidRequest(`'${name}' parameter must not be provided more than once`);
      if (typeof value !== 'string') throw new InvalidRequest(`'${name}' parameter must be a string`);
      if (value !== '') request.params[name] = value;
    }
  };
}
