/**
 * Refuses request objects and dynamic registration by parameter, which the provider does not support (discovery says
 * `request_parameter_supported: false`, `request_uri_parameter_supported: false`): OIDC Core §6 requires the
 * `request_not_supported` / `request_uri_not_supported` errors rather than silently ignoring signed parameters the
 * client relies on. Redirected, since the redirect URI is trusted by now. A PAR `request_uri` (RFC 9126) never gets
 * here when the feature is enabled: the endpoint resolves it into the pushed parameters first; a `request_uri` that
 * does reach this check is one the provider cannot resolve.
 */
import { OIDCError, RequestNotSupported } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

export const rejectUnsupportedParameters: AuthorizationCheck = (request) => {
  if (request.params.request !== undefined) throw new RequestNotSupported('request objects are not supported');
  if (request.params.request_uri !== undefined) {
    throw new OIDCError('request_uri_not_supported', 'request_uri is not supported');
  }
  if (request.params.registration !== undefined) {
    throw new OIDCError('registration_not_supported', 'the registration parameter is not supported');
  }
};
