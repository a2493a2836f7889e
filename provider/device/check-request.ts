import { checkAcr } from '../authorization/checks/check-acr.ts';
import { checkClaims } from '../authorization/checks/check-claims.ts';
import { checkClient } from '../authorization/checks/check-client.ts';
import { checkMaxAge } from '../authorization/checks/check-max-age.ts';
import { checkRequestedSubject } from '../authorization/checks/check-requested-subject.ts';
import { checkResource } from '../authorization/checks/check-resource.ts';
import { checkScope } from '../authorization/checks/check-scope.ts';
import { rejectDuplicateParameters } from '../authorization/checks/reject-duplicate-parameters.ts';
import type { RawParameters } from '../authorization/parameters.ts';
import {
  newAuthorizationRequest,
  type AuthorizationCheck,
  type AuthorizationRequest,
  type CheckDeps,
} from '../authorization/request.ts';

/**
 * The checks of a device authorization request (RFC 8628 §3.1), in order: the authorization endpoint's own checks for
 * the parameters a device request can carry. There is no redirect URI, response type or PKCE — the device receives
 * nothing through the browser — so those checks do not apply. Consent is always asked (`prompt=consent`): the
 * consent page names the client and is where the end-user confirms that the code they typed is the device in front
 * of them (RFC 8628 §5.4, remote phishing).
 */
export const deviceChecks: readonly AuthorizationCheck[] = [
  rejectDuplicateParameters,
  checkClient,
  checkScope,
  checkMaxAge,
  checkClaims,
  checkRequestedSubject,
  checkAcr,
  checkResource,
];

/** Parameters of a device authorization request the provider keeps (the others are ignored). */
export const deviceParameters = ['client_id', 'scope', 'nonce', 'max_age', 'acr_values', 'claims', 'resource'];

export async function checkDeviceRequest(input: RawParameters, deps: CheckDeps): Promise<AuthorizationRequest> {
  const request = newAuthorizationRequest(input);
  for (const check of deviceChecks) await check(request, deps);
  request.params = Object.fromEntries(
    Object.entries(request.params).filter(([name]) => deviceParameters.includes(name)),
  );
  request.prompts = new Set(['consent']);
  return request;
}
