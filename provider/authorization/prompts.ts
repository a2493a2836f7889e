import { claimsNeedingConsent } from '../accounts/claims.ts';
import { AccessDenied } from '../errors/oidc-error.ts';
import type { Account } from '../accounts/account-store.ts';
import type { Grant, Interaction, Prompt, Session } from '../models/types.ts';
import { authenticationAge } from '../sessions/session.ts';
import type { AuthorizationRequest } from './request.ts';

/**
 * Which interaction, if any, an authorization request still needs from the end-user: first `login`, then `consent`,
 * each with the reasons that asked for it (the order of panva's interaction policy); `access_denied` when a login
 * just made for the request is not the user the `claims` parameter names. Pure: the caller loads the
 * session, account and grant; `result` is what the interaction just completed gave, so a fresh login or consent
 * satisfies `prompt=login`/`prompt=consent` and `max_age` instead of asking again forever.
 */
export function requiredPrompt(options: {
  request: AuthorizationRequest;
  session: Session | undefined;
  /** The session's account, undefined when there is no logged-in session (or its account no longer exists). */
  account: Account | undefined;
  /** The grant of this account to this client, when there is one. */
  grant: Grant | undefined;
  result: Interaction['result'] | undefined;
  /** Now (s). */
  now: number;
}): Prompt | undefined {
  const { request, session, account, grant, result, now } = options;
  const login: string[] = [];
  if (!account) login.push('no_session');
  if (request.prompts.has('login') && !result?.login) login.push('login_prompt');
  if (request.maxAge !== undefined && !result?.login) {
    const age = authenticationAge(session, now);
    if (age === undefined || age > request.maxAge || request.maxAge === 0) login.push('max_age');
  }
  if (request.idTokenHint && account && account.sub !== request.idTokenHint.sub) login.push('id_token_hint');
  if (request.requestedSub !== undefined && account && account.sub !== request.requestedSub) {
    // OIDC Core §3.1.2.2: never a response for another user. One who just signed in for this request is refused.
    if (result?.login) throw new AccessDenied('the end-user who signed in is not the one the claims parameter names');
    login.push('claims_sub');
  }
  if (login.length > 0) return { name: 'login', reasons: login };

  const consent: string[] = [];
  if (request.prompts.has('consent') && !result?.consent) consent.push('consent_prompt');
  const grantedScopes = new Set(grant?.scopes ?? []);
  if (request.scopes.some((scope) => !grantedScopes.has(scope))) consent.push('scopes_missing');
  const grantedClaims = new Set(grant?.claims ?? []);
  if (claimsNeedingConsent(request.claims).some((claim) => !grantedClaims.has(claim))) {
    consent.push('claims_missing');
  }
  // RFC 8707: an audience the end-user has not allowed this client yet needs consent, as a new scope does.
  const resource = request.params.resource;
  if (resource !== undefined && !Object.hasOwn(grant?.resources ?? {}, resource)) consent.push('resources_missing');
  return consent.length > 0 ? { name: 'consent', reasons: consent } : undefined;
}
