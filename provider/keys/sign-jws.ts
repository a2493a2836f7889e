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

/** What is the same for every signature of a key and `typ`: the encoded protected header and Node's parameters. */
interface Prepared {
  header: string;
  digest: string | null;
  key: KeyObject | SignKeyObjectInput;
}

// Per key object (a rotated-out key's entry goes with it), then per kid, alg and `typ` (JWT, at+jwt, logout+jwt): kid and alg are
// part of the inner key so a caller pairing one KeyObject with another kid never gets a header it did not ask for.
const prepared = new WeakMap<KeyObject, Map<string, Prepared>>();

function prepare(key: SigningKey, typ: string): Prepared {
  let byHeader = prepared.get(key.privateKey);
  if (!byHeader) prepared.set(key.privateKey, (byHeader = new Map<string, Prepared>()));
  const id = `${key.kid}\n${key.alg}\n${typ}`;
  let entry = byHeader.get(id);
  if (!entry) {
    const header = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ }), 'utf8').toString('base64url');
    entry = { header, ...signingInput(key.alg, key.privateKey) };
    byHeader.set(id, entry);
  }
  return entry;
}

/** Signs `payload` under a protected header `{ alg, kid, typ }`; resolves the compact serialisation. */
export async function signCompactJws(payload: Record<string, unknown>, key: SigningKey, typ: string): Promise<string> {
  const { header, digest, key: signingKey } = prepare(key, typ);
  const input = `${header}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
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
