import { compactVerify, decodeProtectedHeader } from 'jose';
import { InvalidRequest, type OIDCError } from '../errors/oidc-error.ts';
import type { Keystore } from '../keys/keystore.ts';

const invalid = (): OIDCError => new InvalidRequest('id_token_hint could not be validated');

/**
 * Verifies an `id_token_hint` (OIDC Core §3.1.2.1, RP-Initiated Logout §2): an ID token this provider issued, signed
 * by one of its published keys (`verificationKey(kid)`, so a token from before a key rotation still works) with that
 * key's algorithm only — never `none`, never HMAC — with us as issuer and a non-empty `sub`. Expiry is not checked:
 * a hint identifies a past authentication. Resolves the payload; every failure is one `invalid_request`.
 */
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
  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(token, key.key, { algorithms: [key.alg] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch {
    throw invalid();
  }
  if (payload.iss !== issuer || typeof payload.sub !== 'string' || payload.sub === '') throw invalid();
  return payload as Record<string, unknown> & { sub: string };
}

/** The string audiences of a verified token. */
export function audiencesOf(payload: Record<string, unknown>): string[] {
  return (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
    (aud): aud is string => typeof aud === 'string',
  );
}
