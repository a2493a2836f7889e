import { randomBase64url } from './random.ts';

/**
 * Random identifiers of stored models. Values that act as bearer secrets (codes, tokens, session ids) carry 256 random
 * bits; identifiers that are never secret on their own (uids, sids, grant ids) carry 128 and stay short in URLs.
 */

/** 256 random bits, base64url: authorization codes, opaque tokens, session ids, CSRF tokens. */
export function secretId(): string {
  return randomBase64url(32);
}

/** 128 random bits, base64url: uids, sids, grant ids, interaction ids. */
export function shortId(): string {
  return randomBase64url(16);
}
