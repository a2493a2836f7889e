/**
 * Proof Key for Code Exchange (RFC 7636). Only `S256` is accepted: `plain` gives no protection against a leaked
 * authorization request, and a missing method means `plain` (§4.3), so both are refused. A public client must use
 * PKCE for `response_type=code` (it has no other way to bind the code to itself, OAuth 2.0 Security BCP §2.1.1);
 * confidential clients may. The challenge is the base64url SHA-256 of a 43–128 character verifier: 43 characters.
 */
import { InvalidRequest } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

const challengeSyntax = /^[A-Za-z0-9\-._~]{43,128}$/;

export const checkPkce: AuthorizationCheck = (request) => {
  const challenge = request.params.code_challenge;
  const method = request.params.code_challenge_method;
  if (request.responseType !== 'code') return;
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method given without code_challenge');
    if (request.client?.isPublic)
      throw new InvalidRequest('PKCE (code_challenge with S256) is required for public clients');
    return;
  }
  if (method !== 'S256') {
    throw new InvalidRequest(
      method === undefined || method === 'plain'
        ? "code_challenge_method 'plain' is not allowed; use 'S256'"
        : `unsupported code_challenge_method '${method}'; use 'S256'`,
    );
  }
  if (!challengeSyntax.test(challenge)) throw new InvalidRequest('code_challenge is malformed');
};
