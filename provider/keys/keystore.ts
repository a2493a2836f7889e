import { createPrivateKey, type KeyObject } from 'node:crypto';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import type { KeyFile, PrivateJwk, SigningAlgorithm } from './key-file.ts';
import { SecretBox } from './secret-box.ts';

/** Private members that must never leave the provider (RFC 7517/7518). */
const privateMembers = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

/** The public part of a JWK. */
export function publicJwk(jwk: JWK): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([member]) => !privateMembers.has(member)));
}

/** A published key's public half as a WebCrypto key, for jose's verification of the provider's own tokens. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

/** An active signing key: its private `KeyObject`, for Node's one-shot `crypto.sign` (`sign-jws.ts`). */
export interface PrivateSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
}

/**
 * The loaded keys: imported once (never per request), with the public JWKS prepared. Immutable; a key-file change
 * builds a new Keystore that replaces this one (`KeystoreHolder`).
 */
export class Keystore {
  readonly jwks: { keys: JWK[] };
  readonly cookieKeys: readonly string[];
  readonly activeKeyIds: readonly string[];
  readonly publishedKeyIds: readonly string[];
  /** Encrypts secrets at rest with the key file's `secretKeys`; undefined when it lists none. */
  readonly secretBox: SecretBox | undefined;
  readonly #signing: ReadonlyMap<SigningAlgorithm, PrivateSigningKey>;
  readonly #verification: ReadonlyMap<string, SigningKey>;

  private constructor(file: KeyFile, imported: PrivateSigningKey[], verifying: SigningKey[]) {
    this.jwks = { keys: file.keys.map((key) => publicJwk(key)) };
    this.cookieKeys = [...file.cookieKeys];
    this.secretBox = file.secretKeys?.length ? new SecretBox(file.secretKeys) : undefined;
    this.publishedKeyIds = file.keys.map((key) => key.kid);
    const active = file.active ?? firstPerAlgorithm(file.keys);
    this.activeKeyIds = active;
    this.#verification = new Map(verifying.map((entry) => [entry.kid, entry]));
    this.#signing = new Map(
      imported.filter((entry) => active.includes(entry.kid)).map((entry) => [entry.alg, entry] as const),
    );
  }

  /** Imports every key of a (validated) key file. */
  static async load(file: KeyFile): Promise<Keystore> {
    const imported = file.keys.map((jwk) => ({
      kid: jwk.kid,
      alg: jwk.alg,
      privateKey: createPrivateKey({ key: jwk, format: 'jwk' }),
    }));
    // Verification needs the public half: WebCrypto refuses to verify with a private key.
    const verifying = await Promise.all(
      file.keys.map(async (jwk) => ({
        kid: jwk.kid,
        alg: jwk.alg,
        key: (await importJWK(publicJwk(jwk), jwk.alg)) as CryptoKey,
      })),
    );
    return new Keystore(file, imported, verifying);
  }

  /** Algorithms that have an active signing key. */
  get algorithms(): SigningAlgorithm[] {
    return [...this.#signing.keys()];
  }

  /** The active signing key for an algorithm, or undefined when none is active. */
  signingKey(alg: SigningAlgorithm): PrivateSigningKey | undefined {
    return this.#signing.get(alg);
  }

  /** The public key of a published key by id (for verifying the provider's own tokens, e.g. `id_token_hint`). */
  verificationKey(kid: string): SigningKey | undefined {
    return this.#verification.get(kid);
  }
}

function firstPerAlgorithm(keys: readonly PrivateJwk[]): string[] {
  const seen = new Map<string, string>();
  for (const key of keys) if (!seen.has(key.alg)) seen.set(key.alg, key.kid);
  return [...seen.values()];
}

/** Holds the current Keystore so a reload can swap it without restarting. */
export interface KeystoreHolder {
  current: Keystore;
}
