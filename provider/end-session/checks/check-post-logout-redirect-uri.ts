/**
 * Validates `post_logout_redirect_uri` by exact string comparison with the identified client's registered
 * `post_logout_redirect_uris`. A URI that does not match is an error shown on a page — never followed, so logout is
 * no open redirector. Without an identified client the parameter is ignored (there is nothing to match it against),
 * as the spec and oidc-provider do.
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import type { EndSessionCheck } from '../request.ts';

export const checkPostLogoutRedirectUri: EndSessionCheck = (request) => {
  const uri = request.params.post_logout_redirect_uri;
  if (uri === undefined) return;
  if (!request.client) {
    delete request.params.post_logout_redirect_uri;
    return;
  }
  if (!request.client.hasPostLogoutRedirectUri(uri)) {
    throw new InvalidRequest('post_logout_redirect_uri not registered');
  }
  request.postLogoutRedirectUri = uri;
};
