import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { KeyFile, PrivateJwk, SigningAlgorithm } from './key-file.ts';

const generateOptions: Record<SigningAlgorithm, { modulusLength?: number; crv?: string }> = {
  RS256: { modulusLength: 2048 },
  PS256: { modulusLength: 2048 },
  ES256: {},
  EdDSA: { crv: 'Ed25519' },
};

/** A new private signing JWK whose `kid` is its RFC 7638 thumbprint. */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<PrivateJwk> {
  const { privateKey } = await generateKeyPair(alg, { ...generateOptions[alg], extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig' };
}

/** A new cookie signing secret (256 bits, base64url). */
export function generateCookieKey(): string {
  return randomBytes(32).toString('base64url');
}

/** A new key for secrets at rest (AES-256, base64url). */
export function generateSecretKey(): string {
  return randomBytes(32).toString('base64url');
}

/** A complete key file: one active key per algorithm, one cookie key and one key for secrets at rest. */
export async function generateKeyFile(algorithms: readonly SigningAlgorithm[]): Promise<KeyFile> {
  const keys = await Promise.all(algorithms.map(generateSigningKey));
  return {
    keys,
    active: keys.map((key) => key.kid),
    cookieKeys: [generateCookieKey()],
    secretKeys: [generateSecretKey()],
  };
}
