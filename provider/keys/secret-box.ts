import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encryption at rest of the few secrets the provider must keep in plaintext form — the `client_secret` of a
 * client_secret_jwt client, which is an HMAC key and so cannot be stored as a hash. AES-256-GCM with keys from the
 * key file's `secretKeys` (base64url, 32 bytes each): the first encrypts, every listed one decrypts, so a key is
 * rotated by putting a new one first and removing the old one once nothing sealed with it is left (or the secrets
 * sealed with it are re-registered). A sealed value names its key by id (`enc1.<kid>.<iv>.<ciphertext+tag>`, the kid
 * a hash prefix that reveals nothing of the key) and is bound to the record it belongs to (additional authenticated
 * data: the client_id), so a sealed secret copied into another client's record does not decrypt.
 */

const PREFIX = 'enc1';

/** The id of a secret key: 12 characters of the base64url SHA-256 of the key bytes. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 12);
}

/** Why a `secretKeys` entry is unusable, or undefined. */
export function secretKeyProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'string' || !/^[A-Za-z0-9_-]+$/.test(entry) || Buffer.from(entry, 'base64url').length !== 32) {
    return 'must be a base64url AES-256 key of exactly 32 bytes';
  }
  return undefined;
}

/** A sealed value cannot be opened: unknown key id, tampered, or bound to another record. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export class SecretBox {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #activeId: string;

  /** `keys`: validated `secretKeys` (at least one); the first encrypts. */
  constructor(keys: readonly string[]) {
    const decoded = keys.map((key) => Buffer.from(key, 'base64url'));
    if (decoded.length === 0) throw new Error('a SecretBox needs at least one key');
    this.#keys = new Map(decoded.map((key) => [secretKeyId(key), key]));
    this.#activeId = secretKeyId(decoded[0]);
  }

  /** Whether a stored value is sealed (rather than plaintext from before encryption at rest). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${PREFIX}.`);
  }

  /** Encrypts with the active key, bound to `context` (e.g. the client_id). */
  seal(plaintext: string, context: string): string {
    const key = this.#keys.get(this.#activeId) as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [PREFIX, this.#activeId, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Decrypts a sealed value with whichever listed key sealed it; throws {@link SecretBoxError} otherwise. */
  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== PREFIX) throw new SecretBoxError('not a sealed value');
    const [, kid, iv, body] = parts as [string, string, string, string];
    const key = this.#keys.get(kid);
    if (!key) throw new SecretBoxError(`sealed with secret key ${kid}, which the key file no longer lists`);
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length < 16) throw new SecretBoxError('sealed value is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('sealed value does not authenticate (tampered, or bound to another record)');
    }
  }
}
