import { randomFillSync } from 'node:crypto';

/**
 * CSP nonces: 16 bytes from the CSPRNG each, base64. They are cut from a pool filled 256 nonces at a time, since
 * `randomBytes(16)` per page cost ≈ 8 µs (a crypto job and an allocation per call), a sizeable part of a sign-in page's
 * CPU; Node's `randomUUID` caches its random bytes the same way. Every nonce is fresh bytes, used once: the pool is
 * refilled only after its last nonce was handed out.
 */
const nonceBytes = 16;
const pool = Buffer.alloc(nonceBytes * 256);
let next = pool.length;

/** A fresh, unpredictable nonce (22 base64 characters and `==`). */
export function freshNonce(): string {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const nonce = pool.toString('base64', next, next + nonceBytes);
  next += nonceBytes;
  return nonce;
}
