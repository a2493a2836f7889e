import type { Account } from '../accounts/account-store.ts';
import { claimsForScope, requestedClaims, selectClaims, type ClaimsTarget } from '../accounts/claims.ts';

/**
 * The end-user claims released into an ID token or a userinfo response: what the scope (OIDC Core §5.4) and the
 * `claims` parameter (§5.5) request for that target, limited to what the end-user agreed to — the claims of the granted
 * scopes plus the individual claims consented to (Grant.claims) — and to what the account has.
 */
export function releasedClaims(options: {
  account: Account;
  /** Granted scope of the token. */
  scope: string;
  /** The `claims` request parameter, JSON text, if one was given. */
  claims?: string | undefined;
  target: ClaimsTarget;
  /** Whether the scope's claims go to this target (userinfo always; the ID token only when no access token is issued). */
  includeScopeClaims: boolean;
  /** Individual claims the end-user consented to beyond the scopes. */
  consented: readonly string[];
}): Record<string, unknown> {
  const requested = requestedClaims({
    scope: options.scope,
    target: options.target,
    includeScopeClaims: options.includeScopeClaims,
    ...(options.claims === undefined ? {} : { claims: options.claims }),
  });
  const allowed = claimsForScope(options.scope);
  for (const name of options.consented) allowed.add(name);
  return selectClaims(
    options.account.claims,
    [...requested].filter((name) => allowed.has(name)),
  );
}
