/**
 * Validates the `claims` parameter (OIDC Core §5.5) when the feature is on: a JSON object whose `userinfo` and
 * `id_token` members request individual claims. `userinfo` claims need an access token, which `response_type=none`
 * does not give. With the feature off the parameter is ignored, as discovery says `claims_parameter_supported: false`.
 */
import { parseClaimsParameter } from '../../accounts/claims.ts';
import { InvalidRequest } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

export const checkClaims: AuthorizationCheck = (request, { config }) => {
  const text = request.params.claims;
  if (text === undefined) return;
  if (!config.features.claimsParameter.enabled) {
    delete request.params.claims;
    return;
  }
  const claims = parseClaimsParameter(text);
  if (claims.userinfo && request.responseType === 'none') {
    throw new InvalidRequest('claims.userinfo must not be used when response_type is none (no access token)');
  }
  request.claims = claims;
};
