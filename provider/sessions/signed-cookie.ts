import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Signed cookie values: `value.signature`, where the signature is HMAC-SHA256 over the cookie's name and value with a
 * cookie key. The first key signs and every key verifies, so keys rotate without logging anyone out: publish a new key
 * second, move it first, drop the old one after the longest cookie lifetime. Binding the name stops a value signed for
 * one cookie from being replayed as another.
 */

/**
 * The keys as key objects, decoded once per key list (a keystore's `cookieKeys` lives as long as that keystore):
 * decoding the base64url text and importing it into a fresh HMAC on every signature was most of a signature's cost.
 */
const importedKeys = new WeakMap<readonly string[], readonly KeyObject[]>();

function imported(keys: readonly string[]): readonly KeyObject[] {
  let objects = importedKeys.get(keys);
  if (objects === undefined) {
    objects = keys.map((key) => createSecretKey(Buffer.from(key, 'base64url')));
    importedKeys.set(keys, objects);
  }
  return objects;
}

function signature(key: KeyObject, name: string, value: string): Buffer {
  return createHmac('sha256', key).update(`${name}=${value}`).digest();
}

/** `value.signature` signed with the first key. */
export function signCookieValue(keys: readonly string[], name: string, value: string): string {
  const signingKey = imported(keys).at(0);
  if (signingKey === undefined) throw new Error('no cookie key configured');
  return `${value}.${signature(signingKey, name, value).toString('base64url')}`;
}

/** The value when any key's signature matches (constant-time comparison), undefined otherwise. */
export function verifyCookieValue(keys: readonly string[], name: string, signed: string): string | undefined {
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const value = signed.slice(0, dot);
  const presented = Buffer.from(signed.slice(dot + 1), 'base64url');
  for (const key of imported(keys)) {
    const expected = signature(key, name, value);
    if (presented.length === expected.length && timingSafeEqual(presented, expected)) return value;
  }
  return undefined;
}
