import { randomInt } from 'node:crypto';

/**
 * User codes (RFC 8628 §6.1): 8 characters from 20 consonants (no vowels, so no words are spelled by accident; no
 * look-alike digits), shown as `XXXX-XXXX`. 20^8 ≈ 2^34.6 codes: with the rate limit on the entry page and the
 * device code's short lifetime, guessing a live one is impractical. What a user types is normalised — case, spaces
 * and dashes do not matter — before it is looked up.
 */
export const userCodeAlphabet = 'BCDFGHJKLMNPQRSTVWXZ';

const length = 8;

export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < length; i += 1) code += userCodeAlphabet[randomInt(userCodeAlphabet.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The canonical `XXXX-XXXX` form of what the user typed, or undefined when it cannot be a user code. */
export function normalizeUserCode(typed: string): string | undefined {
  const characters = typed.toUpperCase().replace(/[\s-]/g, '');
  if (characters.length !== length) return undefined;
  if (!/^[BCDFGHJKLMNPQRSTVWXZ]+$/.test(characters)) return undefined;
  return `${characters.slice(0, 4)}-${characters.slice(4)}`;
}
