/**
 * none (OIDC Core §9): a public client only names itself with `client_id` and proves nothing; the token endpoint then
 * insists on PKCE (RFC 7636) for the authorization code, so a stolen code alone is worthless.
 */

/** The client id of a request that carries no credentials. */
export function parseNone(body: Readonly<Partial<Record<string, string>>>): string | undefined {
  return body.client_id || undefined;
}
