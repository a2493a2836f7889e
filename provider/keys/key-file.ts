import type { JWK } from 'jose';
import { secretKeyProblem } from './secret-box.ts';

/** Signing algorithms the provider can use. */
export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
export const signingAlgorithms: readonly SigningAlgorithm[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** A private signing JWK as kept in the key file. */
export type PrivateJwk = JWK & { kid: string; alg: SigningAlgorithm; use?: 'sig' };

/**
 * The key file (mounted from a Kubernetes Secret, or generated for development). The operator writes it; rotation is
 * two-phase by editing it: add a key (published, not signing) → list it in `active` (signing) → remove the old key
 * once the longest token lifetime has passed.
 */
export interface KeyFile {
  /** Private JWKs; the public part of every one is published at `jwks_uri`. */
  keys: PrivateJwk[];
  /** Key ids that sign, at most one per algorithm. Without it, the first key of each algorithm signs. */
  active?: string[];
  /** Cookie signing secrets (base64url, ≥ 32 bytes); the first signs, all verify (rotation). */
  cookieKeys: string[];
  /**
   * Keys that encrypt secrets at rest (AES-256-GCM, base64url, exactly 32 bytes; `secret-box.ts`): the first encrypts,
   * all decrypt (rotation). Without them the provider cannot store a client_secret_jwt secret and refuses such clients.
   */
  secretKeys?: string[];
}

/** Why a parsed key file is unusable, or undefined. Names the member at fault; never echoes key material. */
export function keyFileProblem(file: unknown): string | undefined {
  if (typeof file !== 'object' || file === null) return 'must be a JSON object';
  const { keys, active, cookieKeys } = file as Partial<KeyFile>;
  if (!Array.isArray(keys) || keys.length === 0) return '"keys" must be a non-empty array';
  const kids = new Set<string>();
  for (const [index, key] of keys.entries()) {
    if (typeof key.kid !== 'string' || !key.kid) return `keys[${index}] has no "kid"`;
    if (kids.has(key.kid)) return `keys[${index}] repeats kid "${key.kid}"`;
    kids.add(key.kid);
    if (!signingAlgorithms.includes(key.alg)) return `keys[${index}] has unsupported "alg"`;
    if (typeof key.d !== 'string') return `keys[${index}] is not a private key`;
  }
  if (active !== undefined) {
    if (!Array.isArray(active)) return '"active" must be an array of key ids';
    const algs = new Set<string>();
    for (const kid of active) {
      const key = keys.find((candidate) => candidate.kid === kid);
      if (!key) return `"active" names unknown kid "${kid}"`;
      if (algs.has(key.alg)) return `"active" has two keys for ${key.alg}`;
      algs.add(key.alg);
    }
  }
  if (!Array.isArray(cookieKeys) || cookieKeys.length === 0) return '"cookieKeys" must be a non-empty array';
  if (cookieKeys.some((key) => typeof key !== 'string' || Buffer.from(key, 'base64url').length < 32)) {
    return '"cookieKeys" entries must be base64url secrets of at least 32 bytes';
  }
  const { secretKeys } = file as Partial<KeyFile>;
  if (secretKeys !== undefined) {
    if (!Array.isArray(secretKeys) || secretKeys.length === 0) return '"secretKeys" must be a non-empty array';
    const bad = secretKeys.findIndex((key) => secretKeyProblem(key) !== undefined);
    if (bad >= 0) return `secretKeys[${bad}] ${secretKeyProblem(secretKeys[bad]) ?? ''}`;
  }
  return undefined;
}
