import type { CookieOptions, Request, Response } from 'express';
import { isLoopbackHost } from '../config/issuer.ts';
import { signCookieValue, verifyCookieValue } from './signed-cookie.ts';

/**
 * The provider's cookies: names, attributes and signed reads/writes. Every cookie is HttpOnly, SameSite=Lax (sent on
 * the top-level GET that brings the browser back from a client, never on cross-site POSTs or sub-requests), signed,
 * and Secure unless the issuer is plain http on loopback (development), where a Secure cookie would never come back.
 */

export const cookieNames = {
  /** The session id (the Session record's `jti`). */
  session: 'kubeoidc.session',
  /** Binds an interaction to the browser that started it; path-scoped to that interaction's pages. */
  interaction: 'kubeoidc.interaction',
  /** The same binding, path-scoped to the authorization request's resume URL. */
  resume: 'kubeoidc.resume',
  /** CSRF token of the device user-code form (double submit: this signed cookie and the form field must agree). */
  deviceCsrf: 'kubeoidc.device',
} as const;

export type CookieName = (typeof cookieNames)[keyof typeof cookieNames];

/** Attributes derived from the issuer: `path` is the issuer's path, `secure` unless plain http on loopback. */
export function cookieAttributes(issuer: string): { path: string; secure: boolean } {
  const url = new URL(issuer);
  const plainLoopback = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  return { path: url.pathname.replace(/\/$/, '') || '/', secure: !plainLoopback };
}

/** Parses a `Cookie` header; for a repeated name the first wins (browsers send the most specific path first). */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (cookies.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      // A malformed value is treated as absent.
    }
  }
  return cookies;
}

/** Reads and writes the provider's signed cookies for one request. */
export class CookieJar {
  readonly #req: Request;
  readonly #res: Response;
  readonly #keys: readonly string[];
  readonly #attributes: { path: string; secure: boolean };

  constructor(req: Request, res: Response, keys: readonly string[], issuer: string) {
    this.#req = req;
    this.#res = res;
    this.#keys = keys;
    this.#attributes = cookieAttributes(issuer);
  }

  /** The verified value, or undefined when absent or not signed by any current key. */
  get(name: CookieName): string | undefined {
    const signed = parseCookieHeader(this.#req.headers.cookie).get(name);
    return signed === undefined ? undefined : verifyCookieValue(this.#keys, name, signed);
  }

  /**
   * Sets a signed cookie. `path` (below the issuer path) narrows it; `maxAge` in seconds, omitted for a cookie that
   * lasts as long as the browser session.
   */
  set(name: CookieName, value: string, options: { maxAge?: number; path?: string } = {}): void {
    this.#res.cookie(name, signCookieValue(this.#keys, name, value), this.#options(options.path, options.maxAge));
  }

  /** Removes a cookie (same name and path as when it was set). */
  clear(name: CookieName, path?: string): void {
    this.#res.clearCookie(name, this.#options(path));
  }

  #options(path?: string, maxAge?: number): CookieOptions {
    const base = this.#attributes.path === '/' ? '' : this.#attributes.path;
    const options: CookieOptions = {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.#attributes.secure,
      path: path ? `${base}${path}` : this.#attributes.path,
      encode: (value) => value, // signed values are base64url and '.', already cookie-safe
    };
    if (maxAge !== undefined) options.maxAge = maxAge * 1000;
    return options;
  }
}
