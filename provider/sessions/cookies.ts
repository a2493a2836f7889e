import { createHash } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import { isLoopbackHost } from '../config/issuer.ts';
import { signCookieValue, verifyCookieValue } from './signed-cookie.ts';

/**
 * The provider's cookies: names, attributes and signed reads/writes. Every cookie is HttpOnly, SameSite=Lax (sent on
 * the top-level GET that brings the browser back from a client, never on cross-site POSTs or sub-requests), signed,
 * and Secure unless the issuer is plain http on loopback (development), where a Secure cookie would never come back.
 *
 * With an https issuer the names carry a cookie prefix (RFC 6265bis §4.1.3), which browsers enforce: the session
 * and the device form's CSRF cookie are `__Host-` cookies (Secure, `Path=/`, no `Domain`), so a sibling subdomain
 * (another team's app under the same parent domain) cannot plant a session or a CSRF token of its choosing, nor can a
 * plain-http response (`wireCookieName`: an issuer with a path tags the name instead of scoping the path). The interaction and resume cookies are path-scoped to one interaction — several sign-ins can be
 * under way in one browser — which `__Host-` forbids, so they are `__Secure-` cookies; a planted one would still need
 * the provider's signature and the matching interaction id.
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

/** Cookies that live at `Path=/` under a `__Host-` prefix with an https issuer; the others are path-scoped. */
const hostCookies: ReadonlySet<CookieName> = new Set([cookieNames.session, cookieNames.deviceCsrf]);

/**
 * The name a cookie is sent under: prefixed (`__Host-`/`__Secure-`) when the cookies are Secure. A `__Host-` cookie
 * cannot be scoped to the issuer's path, so an issuer with a path (several providers on one host) adds a tag of its
 * path to the name, and the providers do not overwrite each other's sessions.
 */
export function wireCookieName(name: CookieName, attributes: { path: string; secure: boolean }): string {
  if (!attributes.secure) return name;
  if (!hostCookies.has(name)) return `__Secure-${name}`;
  if (attributes.path === '/') return `__Host-${name}`;
  return `__Host-${name}.${createHash('sha256').update(attributes.path).digest('base64url').slice(0, 12)}`;
}

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
    const signed = parseCookieHeader(this.#req.headers.cookie).get(wireCookieName(name, this.#attributes));
    return signed === undefined ? undefined : verifyCookieValue(this.#keys, name, signed);
  }

  /**
   * Sets a signed cookie. `path` (below the issuer path) narrows it; `maxAge` in seconds, omitted for a cookie that
   * lasts as long as the browser session.
   */
  set(name: CookieName, value: string, options: { maxAge?: number; path?: string } = {}): void {
    this.#res.cookie(
      wireCookieName(name, this.#attributes),
      signCookieValue(this.#keys, name, value),
      this.#options(name, options.path, options.maxAge),
    );
  }

  /** Removes a cookie (same name and path as when it was set). */
  clear(name: CookieName, path?: string): void {
    this.#res.clearCookie(wireCookieName(name, this.#attributes), this.#options(name, path));
  }

  #options(name: CookieName, path?: string, maxAge?: number): CookieOptions {
    const base = this.#attributes.path === '/' ? '' : this.#attributes.path;
    // `__Host-` requires Path=/ (the browser refuses the cookie otherwise); no Domain is ever set.
    const hostOnly = this.#attributes.secure && hostCookies.has(name);
    const options: CookieOptions = {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.#attributes.secure,
      path: hostOnly ? '/' : path ? `${base}${path}` : this.#attributes.path,
      encode: (value) => value, // signed values are base64url and '.', already cookie-safe
    };
    if (maxAge !== undefined) options.maxAge = maxAge * 1000;
    return options;
  }
}
