import { hash } from 'node:crypto';
import type { SigningAlgorithm } from '../keys/key-file.ts';

/**
 * `at_hash` / `c_hash` (OIDC Core §3.1.3.6, §3.3.2.11): base64url of the left half of the hash of the ASCII value,
 * with the hash of the ID token's JWS algorithm — SHA-256 for RS256/PS256/ES256, SHA-512 for EdDSA with Ed25519
 * (the hash Ed25519 itself uses, as relying parties such as openid-client expect).
 */
export function tokenHash(value: string, alg: SigningAlgorithm): string {
  const algorithm = alg === 'EdDSA' ? 'sha512' : 'sha256';
  const digest = hash(algorithm, Buffer.from(value, 'ascii'), 'buffer');
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
