/**
 * Validates `response_type`: required; the provider serves `code` and `none` (no implicit or hybrid flows, as the
 * OAuth 2.0 Security BCP advises), and the client must have registered the one it asks for.
 */
import { InvalidRequest, UnauthorizedClient, UnsupportedResponseType } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

export const checkResponseType: AuthorizationCheck = (request) => {
  const responseType = request.params.response_type;
  if (responseType === undefined) throw new InvalidRequest("missing required parameter 'response_type'");
  if (responseType !== 'code' && responseType !== 'none') {
    throw new UnsupportedResponseType(`unsupported response_type '${responseType}'`);
  }
  if (!request.client?.allowsResponseType(responseType)) {
    throw new UnauthorizedClient(`response_type '${responseType}' is not allowed for this client`);
  }
  request.responseType = responseType;
};
