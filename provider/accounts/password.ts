import { argon2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing. New hashes are argon2id with OWASP's recommended parameters (Password Storage Cheat Sheet: 19 MiB
 * of memory, 2 passes, parallelism 1), in the PHC string format every argon2 library reads:
 * `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (unpadded base64). scrypt hashes of earlier versions
 * (`scrypt$N$r$p$salt$hash`, base64url) still verify; `needsRehash` says when a stored hash is weaker than today's
 * default, so a store that can write may replace it after the next successful login. Both run on libuv's thread pool
 * (`crypto.argon2`, `crypto.scrypt`), never on the event loop.
 */

/** argon2id parameters: memory in KiB, passes (time cost), parallelism. */
export interface Argon2Cost {
  m: number;
  t: number;
  p: number;
}

/** OWASP minimum for argon2id (m=19 MiB, t=2, p=1). */
export const DEFAULT_ARGON2_COST: Argon2Cost = { m: 19_456, t: 2, p: 1 };
const KEY_LENGTH = 32;
const ARGON2_VERSION = 19;

const ARGON2_HASH = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const SCRYPT_HASH = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/;

function deriveArgon2(password: string, salt: Buffer, cost: Argon2Cost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      'argon2id',
      {
        message: password.normalize('NFKC'),
        nonce: salt,
        parallelism: cost.p,
        tagLength: KEY_LENGTH,
        memory: cost.m,
        passes: cost.t,
      },
      (error, key) => {
        if (error) reject(error);
        else resolve(key);
      },
    );
  });
}

function deriveScrypt(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

/** scrypt parameters of the earlier format. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * Hashes a password for storage: argon2id, `cost` defaulting to OWASP's parameters. A scrypt cost (`{ N, r, p }`)
 * makes a hash in the earlier scrypt format instead — for tests that need a cheap hash, never the default.
 */
export async function hashPassword(
  password: string,
  cost: Argon2Cost | ScryptCost = DEFAULT_ARGON2_COST,
): Promise<string> {
  if ('N' in cost) return hashPasswordScrypt(password, cost);
  const salt = randomBytes(16);
  const hash = await deriveArgon2(password, salt, cost);
  return `$argon2id$v=${String(ARGON2_VERSION)}$m=${String(cost.m)},t=${String(cost.t)},p=${String(cost.p)}$${b64(salt)}$${b64(hash)}`;
}

/** A scrypt hash in the earlier format (tests of old stored hashes; never the default). */
export async function hashPasswordScrypt(password: string, cost: ScryptCost): Promise<string> {
  const salt = randomBytes(16);
  const hash = await deriveScrypt(password, salt, cost.N, cost.r, cost.p);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** True when `encoded` is a well-formed argon2id or scrypt hash this module can verify. */
export function isPasswordHash(encoded: string): boolean {
  return ARGON2_HASH.test(encoded) || SCRYPT_HASH.test(encoded);
}

/** True when a stored hash is weaker than what `hashPassword` makes today (scrypt, or lower argon2id parameters). */
export function needsRehash(encoded: string, cost: Argon2Cost = DEFAULT_ARGON2_COST): boolean {
  const argon = ARGON2_HASH.exec(encoded);
  if (!argon) return true;
  return Number(argon[1]) < cost.m || Number(argon[2]) < cost.t || Number(argon[3]) < cost.p;
}

/** Checks a password against a stored hash in constant time. A malformed hash never verifies. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  let expected: Buffer;
  let actual: Buffer;
  const argon = ARGON2_HASH.exec(encoded);
  const legacy = SCRYPT_HASH.exec(encoded);
  if (argon) {
    const [, m, t, p, salt = '', hash = ''] = argon;
    expected = Buffer.from(hash, 'base64');
    actual = await deriveArgon2(password, Buffer.from(salt, 'base64'), { m: Number(m), t: Number(t), p: Number(p) });
  } else if (legacy) {
    const [, n, r, p, salt = '', hash = ''] = legacy;
    expected = Buffer.from(hash, 'base64url');
    actual = await deriveScrypt(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  } else {
    return false;
  }
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * A hash of a random password made the same way as `sample` (same algorithm and parameters), for verifying against
 * when a username is unknown so that it costs the same time as a known one.
 */
export async function decoyHashLike(sample: string | undefined): Promise<string> {
  const random = randomBytes(16).toString('base64url');
  const legacy = sample === undefined ? null : SCRYPT_HASH.exec(sample);
  if (legacy) return hashPasswordScrypt(random, { N: Number(legacy[1]), r: Number(legacy[2]), p: Number(legacy[3]) });
  const argon = sample === undefined ? null : ARGON2_HASH.exec(sample);
  return hashPassword(random, argon ? { m: Number(argon[1]), t: Number(argon[2]), p: Number(argon[3]) } : undefined);
}
