/**
 * Validates `redirect_uri` by exact string comparison with the client's registered URIs (OAuth 2.0 Security BCP
 * §4.1.3: no pattern, prefix or port leniency). OIDC makes the parameter required. Only once it matches may errors be
 * redirected to the client; a mismatch is shown on the error page, so the provider never becomes an open redirector.
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

export const checkRedirectUri: AuthorizationCheck = (request) => {
  const { client } = request;
  const uri = request.params.redirect_uri;
  if (!client) throw new Error('checkRedirectUri runs after checkClient');
  if (uri === undefined) throw new InvalidRequest("missing required parameter 'redirect_uri'");
  if (!client.hasRedirectUri(uri)) {
    throw new InvalidRequest("redirect_uri did not match any of the client's registered redirect_uris");
  }
  request.redirectUri = uri;
};
