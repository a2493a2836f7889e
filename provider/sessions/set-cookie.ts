import type { ServerResponse } from 'node:http';

/**
 * The `Set-Cookie` lines of the provider's cookies, written directly instead of through Express's `res.cookie` (which
 * copies the options, and the `cookie` package's `serialize`, which walks every attribute it knows): the provider's
 * cookies have fixed attributes, so the line is built in one pass. The bytes are Express 5's and `cookie` 0.7's for the
 * same options — the attribute order (Max-Age, Path, Expires, HttpOnly, Secure, SameSite), `Max-Age` in whole seconds
 * with `Expires` from the same clock reading, the checks that throw on a value or path a header cannot carry, and how
 * a second cookie is appended — and test/sessions/set-cookie.test.ts holds them to `res.cookie`/`res.clearCookie`.
 */

/** `cookie`'s checks: a value of cookie-octets (optionally quoted), a path of printable characters but `;`. */
const cookieValue = /^("?)[\u0021\u0023-\u002B\u002D-\u003A\u003C-\u005B\u005D-\u007E]*\1$/;
const pathValue = /^[\u0020-\u003A\u003D-\u007E]*$/;
/** A cookie name is a token (checked once, where the wire names are made). */
export const cookieName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The `Expires` of a cleared cookie: Express's `new Date(1)`. */
const expired = new Date(1).toUTCString();

export interface SetCookieAttributes {
  path: string;
  secure: boolean;
  /** Lifetime in seconds (Max-Age and Expires); omitted for a browser-session cookie. */
  maxAge?: number;
}

/** The line `res.cookie(name, value, { httpOnly, sameSite: 'lax', secure, path, maxAge, encode: identity })` writes. */
export function setCookieLine(name: string, value: string, attributes: SetCookieAttributes): string {
  if (!cookieValue.test(value)) throw new TypeError('argument val is invalid');
  let line = `${name}=${value}`;
  let expires: string | undefined;
  if (attributes.maxAge !== undefined) {
    // As Express: the lifetime in milliseconds, Max-Age its whole seconds, Expires now plus the milliseconds.
    const milliseconds = attributes.maxAge * 1000;
    line += `; Max-Age=${String(Math.floor(milliseconds / 1000))}`;
    expires = new Date(Date.now() + milliseconds).toUTCString();
  }
  line += pathAttribute(attributes.path);
  if (expires !== undefined) line += `; Expires=${expires}`;
  return `${line}; HttpOnly${attributes.secure ? '; Secure' : ''}; SameSite=Lax`;
}

/** The line `res.clearCookie(name, { httpOnly, sameSite: 'lax', secure, path })` writes. */
export function clearCookieLine(name: string, attributes: { path: string; secure: boolean }): string {
  return `${name}=${pathAttribute(attributes.path)}; Expires=${expired}; HttpOnly${attributes.secure ? '; Secure' : ''}; SameSite=Lax`;
}

function pathAttribute(path: string): string {
  // As `cookie`: an empty path is left out (the provider's paths never are).
  if (path === '') return '';
  if (!pathValue.test(path)) throw new TypeError('option path is invalid');
  return `; Path=${path}`;
}

/** Adds a `Set-Cookie` line after those already set, as Express's `res.append` does. */
export function appendSetCookie(res: ServerResponse, line: string): void {
  const previous = res.getHeader('Set-Cookie');
  if (previous === undefined || previous === '' || previous === 0) {
    res.setHeader('Set-Cookie', line);
  } else if (Array.isArray(previous)) {
    res.setHeader('Set-Cookie', [...previous, line]);
  } else {
    res.setHeader('Set-Cookie', [String(previous), line]);
  }
}
