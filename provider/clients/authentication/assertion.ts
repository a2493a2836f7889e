import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type CryptoKey, type JWTVerifyGetKey } from 'jose';
import type { ModelRepository } from '../../models/repository.ts';
import { epochSeconds, type Clock } from '../../time/clock.ts';
import { ClientAuthenticationError } from './errors.ts';

/**
 * JWT client assertions (RFC 7523 §2.2 and §3, OIDC Core §9), shared by client_secret_jwt and private_key_jwt: the
 * algorithm must be one the method allows (never `none`, never HMAC where public keys verify — the key-type
 * confusion attack), `iss` = `sub` = client_id, `aud` names this provider, `exp` and `jti` are required, and a `jti`
 * is accepted once: it is remembered in ReplayDetection storage until the assertion could no longer be accepted.
 * The lifetime is bounded (`clientAuthentication.assertionMaxLifetime`): an assertion whose `exp` lies further than
 * that from its `iat` or from now is refused — a long-lived assertion is a reusable credential at every endpoint
 * that has not seen its `jti`, and its replay record would have to be kept for as long.
 */

export const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Seconds of clock skew tolerated between client and provider. */
export const clockTolerance = 15;

/** The client an unverified assertion claims to be (`sub`, which must equal `iss`), to look its keys up. */
export function assertionSubject(assertion: string): string {
  let sub: unknown;
  let iss: unknown;
  try {
    decodeProtectedHeader(assertion);
    ({ sub, iss } = decodeJwt(assertion));
  } catch {
    throw new ClientAuthenticationError('client_assertion is not a JWT');
  }
  if (typeof sub !== 'string' || !sub) throw new ClientAuthenticationError('client_assertion has no sub claim');
  if (iss !== sub) throw new ClientAuthenticationError('client_assertion iss and sub must both be the client_id');
  return sub;
}

/** Why jose refused an assertion, in words safe to show (never the assertion itself). */
function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'client_assertion has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `client_assertion claim "${error.claim}" is ${error.reason === 'missing' ? 'missing' : 'invalid'}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'client_assertion alg is not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no registered key of the client matches client_assertion';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'client_assertion signature is invalid';
  if (error instanceof errors.JWKSTimeout) return "the client's jwks_uri did not answer in time";
  return 'client_assertion is invalid';
}

export interface AssertionCheck {
  clientId: string;
  /** Algorithms the method and the client's registration allow. */
  algorithms: readonly string[];
  /** Acceptable `aud` values: the issuer, the token endpoint, the endpoint being called. */
  audience: readonly string[];
  clock: Clock;
  models: ModelRepository;
  /** Longest accepted `exp - iat` and `exp - now` (s). */
  maxLifetime: number;
}

/** Verifies a client assertion and records its `jti`; throws `invalid_client` with the reason otherwise. */
export async function verifyAssertion(
  assertion: string,
  key: Uint8Array | CryptoKey | JWTVerifyGetKey,
  check: AssertionCheck,
): Promise<void> {
  let alg: unknown;
  try {
    ({ alg } = decodeProtectedHeader(assertion));
  } catch {
    throw new ClientAuthenticationError('client_assertion is not a JWT');
  }
  if (typeof alg !== 'string' || !check.algorithms.includes(alg)) {
    throw new ClientAuthenticationError(`client_assertion alg "${String(alg)}" is not allowed for this client`);
  }
  let payload: { exp?: number; iat?: number; jti?: string };
  try {
    ({ payload } = await jwtVerify(assertion, key as Uint8Array, {
      algorithms: [...check.algorithms],
      issuer: check.clientId,
      subject: check.clientId,
      audience: [...check.audience],
      currentDate: new Date(check.clock.now()),
      clockTolerance,
      requiredClaims: ['exp', 'jti'],
    }));
  } catch (error) {
    throw new ClientAuthenticationError(reason(error));
  }
  if (typeof payload.jti !== 'string' || !payload.jti || typeof payload.exp !== 'number') {
    throw new ClientAuthenticationError('client_assertion must have a jti and an exp');
  }
  const now = epochSeconds(check.clock);
  const tooLong =
    payload.exp - now > check.maxLifetime + clockTolerance ||
    (typeof payload.iat === 'number' && payload.exp - payload.iat > check.maxLifetime);
  if (tooLong) {
    throw new ClientAuthenticationError(
      `client_assertion must expire within ${String(check.maxLifetime)} seconds of its issue`,
    );
  }
  await rememberOnce(check, payload.jti, payload.exp);
}

/**
 * Accepts a `jti` once per client. The record lives until the assertion would be refused as expired anyway. The
 * insert is atomic in storage, so two replicas racing on the same assertion cannot both accept it.
 */
async function rememberOnce(check: AssertionCheck, jti: string, exp: number): Promise<void> {
  const id = createHash('sha256').update(`${check.clientId}\u0000${jti}`, 'utf8').digest('base64url');
  const now = epochSeconds(check.clock);
  const record = { jti: id, kind: 'ReplayDetection', iat: now, exp: Math.max(exp, now) + clockTolerance } as const;
  if (!(await check.models.saveOnce(record))) {
    throw new ClientAuthenticationError('client_assertion jti has already been used');
  }
}
