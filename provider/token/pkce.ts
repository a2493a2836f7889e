import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidGrant, InvalidRequest } from '../errors/oidc-error.ts';

/**
 * PKCE at the token endpoint (RFC 7636 §4.6): the `code_verifier` must hash (S256, the only method offered) to the
 * `code_challenge` the authorization request carried. A verifier without a challenge, or a challenge without a
 * verifier, is refused too: either would let a downgraded or injected code through.
 */

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const verifierFormat = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * The S256 `code_challenge` a well-formed verifier answers to, or undefined for a malformed one: what storage compares a
 * code's stored challenge with when the code is checked and consumed in one step (`consumeIf`).
 */
export function s256ChallengeOf(verifier: string): string | undefined {
  return verifierFormat.test(verifier) ? s256(verifier) : undefined;
}

const s256 = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

export function checkPkce(
  verifier: string | undefined,
  challenge: string | undefined,
  method: 'S256' | undefined,
): void {
  if (verifier !== undefined && !verifierFormat.test(verifier)) {
    throw new InvalidRequest('code_verifier must be 43-128 characters of [A-Za-z0-9-._~]');
  }
  if (challenge === undefined) {
    if (verifier !== undefined)
      throw new InvalidGrant('code_verifier given but the authorization request had no code_challenge');
    return;
  }
  if (verifier === undefined) throw new InvalidGrant('code_verifier is required (PKCE)');
  if (method !== 'S256') throw new InvalidGrant('unsupported code_challenge_method');
  const expected = Buffer.from(challenge, 'utf8');
  const actual = Buffer.from(s256(verifier), 'utf8');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new InvalidGrant('code_verifier does not match code_challenge');
  }
}
