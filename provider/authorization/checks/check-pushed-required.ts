/**
 * With `features.pushedAuthorizationRequests.required` (RFC 9126 §5, discovery `require_pushed_authorization_requests`)
 * a plain authorization request is refused: the parameters must have been pushed to `/par` by an authenticated client
 * and be referenced by `request_uri`. Runs once the redirect URI is trusted, so the refusal goes back to the client.
 * Stored parameters checked again on an interaction's resume (`pushed` undefined) were admitted when they arrived.
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

export const checkPushedRequired: AuthorizationCheck = (request, { config }) => {
  const par = config.features.pushedAuthorizationRequests;
  if (par.enabled && par.required && request.pushed === false) {
    throw new InvalidRequest('pushed authorization requests are required: push the request to the PAR endpoint');
  }
};
