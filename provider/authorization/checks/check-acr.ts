/**
 * Authentication context class requests (OIDC Core §3.1.2.1 `acr_values`, §5.5.1.1 the `acr` claim). The built-in
 * login has one method (password) and asserts no `acr` (discovery lists no `acr_values_supported`), so no requested
 * class can be honoured. Rather than ignore the request and let the client believe it got what it asked for, it is
 * refused with `access_denied` — what §5.5.1.1 prescribes for an essential `acr` the provider cannot satisfy ("treat
 * that outcome as a failed authentication attempt") — for `acr_values` and for an essential `acr` in `claims`
 * (either target). A voluntary `acr` claim (`null` or `essential: false`) asks for nothing binding and is ignored.
 * Runs after `checkClaims`, which parsed `claims` (or dropped it when the feature is off).
 */
import { AccessDenied } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

export const checkAcr: AuthorizationCheck = (request) => {
  if (request.params.acr_values !== undefined) {
    throw new AccessDenied('the requested acr_values cannot be satisfied: this provider asserts no acr');
  }
  const essential = [request.claims?.id_token?.acr, request.claims?.userinfo?.acr].some(
    (acr) => acr?.essential === true,
  );
  if (essential) throw new AccessDenied('the essential acr claim cannot be satisfied: this provider asserts no acr');
};
