import { hash } from 'node:crypto';
import { randomBase64url } from '../models/random.ts';

/**
 * Opaque tokens and codes (access tokens, refresh tokens, client-credentials tokens, authorization codes …): 256
 * random bits, base64url. The value goes only to the client; what is stored, keyed, logged and carried by events is
 * its SHA-256 (`jti`). So a storage dump, a Redis key listing or an event listener never holds a usable token, and a
 * presented value is found by hashing it again. Every model whose value is a bearer secret uses this.
 */

/** A new opaque value and the id it is stored under. */
export function newOpaqueToken(): { value: string; id: string } {
  const value = randomBase64url(32);
  return { value, id: opaqueTokenId(value) };
}

/** The storage id (`jti`) of a presented opaque value. Total: any string hashes, unknown values simply miss. */
export function opaqueTokenId(value: string): string {
  // One-shot: no Hash object per presented token (this runs on every token-side request).
  return hash('sha256', value, 'base64url');
}
