/**
 * The bearer token of a registration request (RFC 7591 §3, RFC 7592 §2; RFC 6750 §2.1): only the `Authorization:
 * Bearer` header, as the body is the client's JSON metadata and a query string ends up in logs.
 */
import { InvalidToken } from '../errors/oidc-error.ts';

const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The token of the Authorization header, undefined when there is none; a malformed header is 401 `invalid_token`. */
export function optionalBearer(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization === '') return undefined;
  const match = /^bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1] || !b64token.test(match[1]))
    throw new InvalidToken('the Authorization header must be "Bearer <token>"');
  return match[1];
}

/** The token of the Authorization header; 401 `invalid_token` when there is none. */
export function requiredBearer(authorization: string | undefined, what: string): string {
  const token = optionalBearer(authorization);
  if (token === undefined) throw new InvalidToken(`${what} is required (Authorization: Bearer)`);
  return token;
}
