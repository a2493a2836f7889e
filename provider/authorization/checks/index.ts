import type { AuthorizationCheck } from '../request.ts';
import { checkAcr } from './check-acr.ts';
import { checkClaims } from './check-claims.ts';
import { checkClient } from './check-client.ts';
import { checkIdTokenHint } from './check-id-token-hint.ts';
import { checkMaxAge } from './check-max-age.ts';
import { checkPkce } from './check-pkce.ts';
import { checkPrompt } from './check-prompt.ts';
import { checkPushedRequired } from './check-pushed-required.ts';
import { checkRedirectUri } from './check-redirect-uri.ts';
import { checkRequestedSubject } from './check-requested-subject.ts';
import { checkResource } from './check-resource.ts';
import { checkResponseMode } from './check-response-mode.ts';
import { checkResponseType } from './check-response-type.ts';
import { checkScope } from './check-scope.ts';
import { rejectDuplicateParameters } from './reject-duplicate-parameters.ts';
import { rejectUnsupportedParameters } from './reject-unsupported-parameters.ts';

/**
 * The checks of an authorization request, in order. The order is the security argument: until `checkRedirectUri` has
 * matched the client's registered URI, errors go to the error page; after it, they are redirected to the client in
 * the response mode `checkResponseMode` settled. Each later check may rely on what the earlier ones established.
 */
export const authorizationChecks: readonly AuthorizationCheck[] = [
  rejectDuplicateParameters,
  checkClient,
  checkRedirectUri,
  checkResponseMode,
  checkPushedRequired,
  rejectUnsupportedParameters,
  checkResponseType,
  checkPrompt,
  checkScope,
  checkPkce,
  checkMaxAge,
  checkClaims,
  checkRequestedSubject,
  checkAcr,
  checkResource,
  checkIdTokenHint,
];
