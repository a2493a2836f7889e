import { compactVerify, decodeProtectedHeader } from 'jose';
import { InvalidRequest, type OIDCError } from '../errors/oidc-error.ts';
import type { Keystore } from '../keys/keystore.ts';

const invalid = (): OIDCError => new InvalidRequest('id_token_hint could not be validated');

/**
 * Verifies an `id_token_hint` (OIDC Core §3.1.2.1, RP-Initiated Logout §2): an ID token this provider issued, signed
 * by one of its published keys (`verificationKey(kid)`, so a token from before a key rotation still works) with that
 * key's algorithm only — never `none`, never HMAC — with us as issuer and a non-empty `sub`. Expiry is not checked:
 * a hint identifies a past authentication. Resolves the payload; every failure is one `invalid_request`.
 *
 * The same keys sign other JWTs — access tokens (RFC 9068, `typ: at+jwt`, with `client_id` and often the client as
 * `aud`) and logout tokens (`typ: logout+jwt`, with `events`) — so a signature alone does not make an ID token
 * (`isIdToken`): the header `typ` must be absent or `JWT`, and the payload must have the ID token's `aud`, `iat` and
 * `exp` and none of the claims that mark the other kinds.
 */

/** Claims that only the provider's other JWTs carry: access tokens (RFC 9068 §2.2) and logout tokens. */
const foreignClaims = ['client_id', 'scope', 'events', 'jti'] as const;

/** Whether a verified header and payload are those of an ID token (not an access or logout token). */
export function isIdToken(typ: unknown, payload: Record<string, unknown>): boolean {
  if (typ !== undefined && (typeof typ !== 'string' || typ.toUpperCase() !== 'JWT')) return false;
  if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number' || payload.aud === undefined) return false;
  return foreignClaims.every((claim) => !Object.hasOwn(payload, claim));
}

export async function verifyIdTokenHint(
  token: string,
  keystore: Keystore,
  issuer: string,
): Promise<Record<string, unknown> & { sub: string }> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw invalid();
  }
  const key = kid === undefined ? undefined : keystore.verificationKey(kid);
  if (!key) throw invalid();
  let parsed: unknown;
  let typ: unknown;
  try {
    const verified = await compactVerify(token, key.key, { algorithms: [key.alg] });
    typ = verified.protectedHeader.typ;
    parsed = JSON.parse(new TextDecoder().decode(verified.payload));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const payload = parsed as Record<string, unknown>;
  if (!isIdToken(typ, payload)) throw invalid();
  if (payload.iss !== issuer || typeof payload.sub !== 'string' || payload.sub === '') throw invalid();
  return payload as Record<string, unknown> & { sub: string };
}

/** The string audiences of a verified token. */
export function audiencesOf(payload: Record<string, unknown>): string[] {
  return (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
    (aud): aud is string => typeof aud === 'string',
  );
}
