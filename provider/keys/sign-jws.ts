import { constants, sign, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import type { SigningAlgorithm } from './key-file.ts';

/**
 * Compact JWS (RFC 7515 §7.1) of the provider's own tokens — ID tokens, JWT access tokens, logout tokens — signed with
 * Node's one-shot `crypto.sign` on the key's `KeyObject`, imported once with the keystore. Measured on the bench
 * machine (RS256, 2048-bit, CPU per signature): `crypto.sign` ≈ 280 µs (OpenSSL's own `speed rsa2048`: 276 µs),
 * WebCrypto `subtle.sign` ≈ 330–350 µs, jose's `SignJWT` ≈ 350–400 µs.
 *
 * The signature runs in libuv's thread pool (`crypto.sign` with a callback): with more than one CPU signatures — most
 * of the CPU of a JWT-issuing request — proceed on other cores while the event loop serves other requests. Signing
 * inline was measured twice on one core (docs/performance.md, third and fourth pass): in a loop the pool's hand-off is
 * a few µs per signature, below the noise; in the server under a one-CPU quota CPU per request was within the noise
 * and under a half-CPU quota (throttled) the inline signer's p99 was 1.3–6× worse; pinned to a core shared with other
 * busy threads it was starved. Not kept.
 */

/** Node's digest and key parameters per JWS algorithm (RFC 7518 §3, RFC 8037 §3.1). */
function signingInput(
  alg: SigningAlgorithm,
  key: KeyObject,
): { digest: string | null; key: KeyObject | SignKeyObjectInput } {
  switch (alg) {
    case 'RS256':
      return { digest: 'sha256', key };
    case 'PS256':
      // RFC 7518 §3.5: the salt is as long as the hash (32 bytes for SHA-256).
      return { digest: 'sha256', key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } };
    case 'ES256':
      // RFC 7518 §3.4: R || S, not DER.
      return { digest: 'sha256', key: { key, dsaEncoding: 'ieee-p1363' } };
    case 'EdDSA':
      return { digest: null, key };
  }
}

interface SigningKey {
  alg: SigningAlgorithm;
  kid: string;
  privateKey: KeyObject;
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Signs `payload` under a protected header `{ alg, kid, typ }`; resolves the compact serialisation. */
export async function signCompactJws(payload: Record<string, unknown>, key: SigningKey, typ: string): Promise<string> {
  const { digest, key: signingKey } = signingInput(key.alg, key.privateKey);
  const input = `${base64urlJson({ alg: key.alg, kid: key.kid, typ })}.${base64urlJson(payload)}`;
  // The input is base64url and '.': ASCII, so latin1 encodes it byte for byte without a UTF-8 pass.
  const data = Buffer.from(input, 'latin1');
  const signature = await new Promise<Buffer>((resolve, reject) => {
    sign(digest, data, signingKey, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
  });
  return `${input}.${signature.toString('base64url')}`;
}
