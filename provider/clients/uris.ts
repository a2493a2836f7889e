import { isLoopbackHost } from '../config/issuer.ts';

/**
 * Rules for the URIs a client registers. Redirect URIs are compared by exact string match later, so what is
 * registered must be unambiguous: absolute, no fragment (RFC 6749 §3.1.2), no credentials. Web clients use https;
 * plain http only on a loopback host (development, and native apps per RFC 8252 §7.3). Native clients may also use a
 * private-use scheme in reverse-domain form (RFC 8252 §7.1), never a scheme a browser would execute.
 */

/** Schemes that must never be a redirect target (they run code or read local files). */
const forbiddenSchemes = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:']);

/** Why `uri` is unacceptable as a redirect URI for this application type, or undefined. */
export function redirectUriProblem(uri: string, applicationType: 'web' | 'native'): string | undefined {
  const url = URL.parse(uri);
  if (!url) return 'must be an absolute URI';
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain credentials';
  if (/\s/.test(uri)) return 'must not contain whitespace';
  if (url.protocol === 'https:') {
    if (!url.hostname) return 'must have a host';
    return undefined;
  }
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? undefined
      : 'must use https (plain http only on a loopback host: localhost, 127.0.0.1, [::1])';
  }
  if (applicationType === 'web') return 'must use https for web clients';
  if (forbiddenSchemes.has(url.protocol)) return `must not use the ${url.protocol.slice(0, -1)} scheme`;
  if (!url.protocol.slice(0, -1).includes('.')) {
    return 'private-use URI schemes must be in reverse-domain form, e.g. com.example.app:/callback (RFC 8252 §7.1)';
  }
  return undefined;
}

/** Why `uri` is unacceptable for a URL the provider itself calls or fetches (jwks_uri, backchannel_logout_uri). */
export function serverUriProblem(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (!url) return 'must be an absolute URI';
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return 'must use https (plain http only on a loopback host)';
}
