import { randomBytes, randomFillSync } from 'node:crypto';

/**
 * Random bytes for identifiers and bearer secrets, drawn from a pool refilled by the CSPRNG (`randomFillSync`) once
 * every 4 KiB instead of one `randomBytes` call per value: a call costs the same for 32 bytes as for 4 KiB, and every
 * opaque token, code and id used to pay one (docs/performance.md). The values are exactly as random — consecutive
 * slices of one CSPRNG output, each handed out once — and the bytes of a slice are zeroed as soon as it is encoded, so
 * the pool never holds a value already issued. Node's own `randomUUID` keeps such a cache too.
 */

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** `bytes` random bytes, base64url (no padding). */
export function randomBase64url(bytes: number): string {
  if (bytes > POOL_SIZE) return randomBytes(bytes).toString('base64url');
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + bytes);
  offset += bytes;
  const value = slice.toString('base64url');
  slice.fill(0);
  return value;
}
