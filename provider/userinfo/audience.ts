import { InvalidToken } from '../errors/oidc-error.ts';

/**
 * Whether an access token is meant for the UserInfo endpoint (RFC 9068 §4, RFC 8707 §2): a protected resource must
 * refuse a token whose audience is another resource server, or a token issued for an API could be replayed here to
 * read the end-user's claims. Accepted: a token whose audience includes the userinfo URL itself (a client may ask for
 * it as a resource indicator), and a token without a resource restriction — an opaque token with no `aud` (no
 * resource was chosen), or a JWT access token whose `aud` is only its own client, which is what the provider puts
 * there when no resource was chosen (`tokens/jwt-access-token.ts`).
 */
export function assertMeantForUserinfo(
  token: { aud?: string | readonly string[] | undefined; clientId: string },
  userinfoUrl: string,
): void {
  const audiences = token.aud === undefined ? [] : typeof token.aud === 'string' ? [token.aud] : token.aud;
  if (audiences.length === 0 || audiences.includes(userinfoUrl)) return;
  if (audiences.length === 1 && audiences[0] === token.clientId) return;
  throw new InvalidToken('the access token is meant for another resource server');
}
