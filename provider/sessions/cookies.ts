import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackHost } from '../config/issuer.ts';
import { appendSetCookie, clearCookieLine, cookieName, setCookieLine } from './set-cookie.ts';
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

/** What the cookies of one issuer share: its attributes, and each cookie's wire name. */
interface IssuerCookies {
  path: string;
  secure: boolean;
  /** The issuer path as a prefix of a narrower path ('' at the root). */
  base: string;
  wireNames: Readonly<Record<CookieName, string>>;
}

/**
 * Computed once per issuer, not per request (parsing the issuer URL and hashing its path for the wire names were a
 * measurable part of a sign-in page's cost); a provider has one issuer, so this holds one entry.
 */
const byIssuer = new Map<string, IssuerCookies>();

function issuerCookies(issuer: string): IssuerCookies {
  let cookies = byIssuer.get(issuer);
  if (cookies === undefined) {
    const attributes = cookieAttributes(issuer);
    const wireNames = {} as Record<CookieName, string>;
    for (const name of Object.values(cookieNames)) {
      const wire = wireCookieName(name, attributes);
      if (!cookieName.test(wire)) throw new TypeError(`cookie name ${wire} is invalid`);
      wireNames[name] = wire;
    }
    cookies = { ...attributes, base: attributes.path === '/' ? '' : attributes.path, wireNames };
    byIssuer.set(issuer, cookies);
  }
  return cookies;
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
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #keys: readonly string[];
  readonly #issuer: IssuerCookies;
  /** The request's cookies, parsed on first read. */
  #received: Map<string, string> | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, keys: readonly string[], issuer: string) {
    this.#req = req;
    this.#res = res;
    this.#keys = keys;
    this.#issuer = issuerCookies(issuer);
  }

  /** The verified value, or undefined when absent or not signed by any current key. */
  get(name: CookieName): string | undefined {
    this.#received ??= parseCookieHeader(this.#req.headers.cookie);
    const signed = this.#received.get(this.#issuer.wireNames[name]);
    return signed === undefined ? undefined : verifyCookieValue(this.#keys, name, signed);
  }

  /**
   * Sets a signed cookie. `path` (below the issuer path) narrows it; `maxAge` in seconds, omitted for a cookie that
   * lasts as long as the browser session.
   */
  set(name: CookieName, value: string, options: { maxAge?: number; path?: string } = {}): void {
    const attributes = { path: this.#path(name, options.path), secure: this.#issuer.secure };
    const signed = signCookieValue(this.#keys, name, value);
    appendSetCookie(
      this.#res,
      setCookieLine(
        this.#issuer.wireNames[name],
        signed,
        options.maxAge === undefined ? attributes : { ...attributes, maxAge: options.maxAge },
      ),
    );
  }

  /** Removes a cookie (same name and path as when it was set). */
  clear(name: CookieName, path?: string): void {
    appendSetCookie(
      this.#res,
      clearCookieLine(this.#issuer.wireNames[name], { path: this.#path(name, path), secure: this.#issuer.secure }),
    );
  }

  #path(name: CookieName, path: string | undefined): string {
    // `__Host-` requires Path=/ (the browser refuses the cookie otherwise); no Domain is ever set.
    if (this.#issuer.secure && hostCookies.has(name)) return '/';
    return path ? `${this.#issuer.base}${path}` : this.#issuer.path;
  }
}
