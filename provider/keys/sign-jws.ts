import { constants, sign, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import type { SigningAlgorithm } from './key-file.ts';

/**
 * Compact JWS (RFC 7515 §7.1) of the provider's own tokens — ID tokens, JWT access tokens, logout tokens — signed with
 * Node's one-shot `crypto.sign` on the key's `KeyObject`, imported once with the keystore. Measured on the bench
 * machine (RS256, 2048-bit, CPU per signature): `crypto.sign` ≈ 280 µs, WebCrypto `subtle.sign` ≈ 330–350 µs, jose's
 * `SignJWT` (WebCrypto plus its claim builder and encoders) ≈ 350–400 µs: the difference is WebCrypto's per-call
 * algorithm normalisation (including a structured clone of the algorithm) and jose's claim builder and encoders.
 *
 * The signature runs in libuv's thread pool (`crypto.sign` with a callback), as WebCrypto's did: with more than one CPU
 * signatures proceed on other cores while the event loop serves other requests. Signing inline instead was measured
 * on one pinned core (the bench's setting): ≈ 3 % less CPU per signature in isolation, but in the server under load
 * no CPU gain beyond the noise and a lower rate when other processes share the core (a busy event loop is one
 * runnable thread; the pool's worker is another), so it was not kept (docs/performance.md).
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

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Signs `payload` under a protected header `{ alg, kid, typ }`; resolves the compact serialisation. */
export async function signCompactJws(
  payload: Record<string, unknown>,
  key: { alg: SigningAlgorithm; kid: string; privateKey: KeyObject },
  typ: string,
): Promise<string> {
  const input = `${base64urlJson({ alg: key.alg, kid: key.kid, typ })}.${base64urlJson(payload)}`;
  const data = Buffer.from(input, 'ascii');
  const { digest, key: signingKey } = signingInput(key.alg, key.privateKey);
  const signature = await new Promise<Buffer>((resolve, reject) => {
    sign(digest, data, signingKey, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
  });
  return `${input}.${signature.toString('base64url')}`;
}
