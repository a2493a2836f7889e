import { confirmParameters, endSessionParameters } from '../parameters.ts';
import type { EndSessionCheck } from '../request.ts';
import { checkClient } from './check-client.ts';
import { checkIdTokenHint } from './check-id-token-hint.ts';
import { checkPostLogoutRedirectUri } from './check-post-logout-redirect-uri.ts';
import { readParameters } from './read-parameters.ts';

/**
 * The checks of a logout request, in order: the client is identified (by the ID token hint first, then `client_id`)
 * before the post-logout redirect URI can be matched against what it registered.
 */
export const endSessionChecks: readonly EndSessionCheck[] = [
  readParameters(endSessionParameters),
  checkIdTokenHint,
  checkClient,
  checkPostLogoutRedirectUri,
];

/**
 * The checks of the confirmation form. The ID token hint is not carried over (it was verified when the page was
 * shown); the client and URI are checked again, since the submitted form is input like any other.
 */
export const confirmChecks: readonly EndSessionCheck[] = [
  readParameters(confirmParameters),
  checkClient,
  checkPostLogoutRedirectUri,
];
