import { InvalidRequest, InvalidToken } from '../errors/oidc-error.ts';

/**
 * The bearer token of a protected-resource request (RFC 6750 §2): `Authorization: Bearer <token>` or, for a
 * form-urlencoded POST, the `access_token` body parameter — exactly one of them. The query form (§2.3) is refused:
 * URLs end up in logs and Referer headers.
 */
export interface BearerSources {
  authorization?: string | undefined;
  /** `access_token` of a form-urlencoded body, or an array when repeated. */
  bodyToken?: unknown;
  /** Whether the query string carries `access_token`. */
  queryToken: boolean;
}

/** Thrown when the request has no token at all: RFC 6750 §3.1 says to answer without an error code then. */
export class MissingBearerToken extends InvalidToken {
  constructor() {
    super('no access token provided');
  }
}

const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

export function bearerToken(sources: BearerSources): string {
  if (sources.queryToken) throw new InvalidRequest('access tokens are not accepted in the query string');
  const { authorization, bodyToken } = sources;
  const header = authorization !== undefined && /^bearer(\s|$)/i.test(authorization);
  if (bodyToken !== undefined && typeof bodyToken !== 'string') {
    throw new InvalidRequest('access_token must be given exactly once');
  }
  if (header && bodyToken !== undefined) {
    throw new InvalidRequest('the access token must be sent in the Authorization header or the body, not both');
  }
  if (header) {
    const token = authorization.slice(6).trim();
    if (!b64token.test(token)) throw new InvalidRequest('Authorization header Bearer value is malformed');
    return token;
  }
  if (typeof bodyToken === 'string' && bodyToken) return bodyToken;
  throw new MissingBearerToken();
}
