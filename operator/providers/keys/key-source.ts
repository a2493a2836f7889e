/**
 * Where new key material comes from. Injected into the reconciler so the state machine and the renderers stay free of
 * randomness; the real source is the provider's own generator (provider/keys/generate.ts).
 */
import { randomBytes } from 'node:crypto';
import { generateCookieKey, generateSecretKey, generateSigningKey } from '../../../provider/keys/generate.ts';
import type { PrivateJwk, SigningAlgorithm } from '../../../provider/keys/key-file.ts';

/** Makes new signing and cookie keys. */
export interface KeySource {
  /** A new private signing JWK for `alg`, with a unique `kid`. */
  signingKey(alg: SigningAlgorithm): Promise<PrivateJwk>;
  /** A new cookie signing secret (base64url, ≥ 32 bytes). */
  cookieKey(): string;
  /** A new key for secrets at rest (AES-256, base64url, 32 bytes; the key file's `secretKeys`). */
  secretKey(): string;
  /** A new initial access token for client registration (base64url, 256 random bits). */
  initialAccessToken(): string;
}

/** Keys from the provider's generator (thumbprint `kid`s, 256-bit cookie keys). */
export const generatedKeys: KeySource = {
  signingKey: generateSigningKey,
  cookieKey: generateCookieKey,
  secretKey: generateSecretKey,
  initialAccessToken: () => randomBytes(32).toString('base64url'),
};
