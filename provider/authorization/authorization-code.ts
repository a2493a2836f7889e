import type { AuthorizationCode, Session, SessionAuthorization } from '../models/types.ts';
import type { AuthorizationRequest } from './request.ts';

/**
 * The AuthorizationCode record for a resolved request: everything the token endpoint needs to redeem it without
 * looking back at the request — who, which client and grant, the exact redirect URI, the PKCE challenge, the nonce,
 * the granted scope and requested claims, and the authentication facts (`auth_time`, `acr`, `amr`, `sid`). Pure.
 */
export function buildAuthorizationCode(options: {
  /** Storage id of the code (the SHA-256 of the value given to the client). */
  id: string;
  request: AuthorizationRequest;
  session: Session & { accountId: string };
  authorization: SessionAuthorization;
  /** Now (s). */
  now: number;
  /** `config.ttl.authorizationCode` (s). */
  ttl: number;
}): AuthorizationCode {
  const { id, request, session, authorization, now, ttl } = options;
  const { params } = request;
  if (!request.client || !request.redirectUri) throw new Error('an authorization code needs a checked request');
  const code: AuthorizationCode = {
    jti: id,
    kind: 'AuthorizationCode',
    iat: now,
    exp: now + ttl,
    accountId: session.accountId,
    clientId: request.client.clientId,
    grantId: authorization.grantId,
    scope: request.scopes.join(' '),
    sessionUid: session.uid,
    sid: authorization.sid,
    redirectUri: request.redirectUri,
  };
  if (session.loginTs !== undefined) code.authTime = session.loginTs;
  if (session.acr !== undefined) code.acr = session.acr;
  if (session.amr !== undefined) code.amr = [...session.amr];
  if (request.claims && params.claims !== undefined) code.claims = params.claims;
  if (params.resource !== undefined) code.resource = params.resource;
  if (params.nonce !== undefined) code.nonce = params.nonce;
  if (params.code_challenge !== undefined) {
    code.codeChallenge = params.code_challenge;
    code.codeChallengeMethod = 'S256';
  }
  return code;
}
