import { createHmac } from 'node:crypto';
import { csrfTokenMatches } from '../interactions/csrf.ts';

/**
 * CSRF protection of the logout confirmation form. The token is an HMAC, under a cookie key, of the session's stored
 * id (`jti`, itself the hash of the cookie value): only a page the provider rendered for this browser's session can
 * carry it, an attacker's page cannot compute it, and nothing needs storing. It changes with every login (the session
 * id rotates), and stops working once the session ends. The first cookie key signs; every current key verifies, so a
 * cookie-key rotation does not break a page already shown.
 */

function mac(key: string, sessionId: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64url')).update(`end_session:${sessionId}`).digest('base64url');
}

/** The token for the confirmation form of this session. */
export function logoutCsrfToken(cookieKeys: readonly string[], sessionId: string): string {
  const key = cookieKeys.at(0);
  if (key === undefined) throw new Error('no cookie key configured');
  return mac(key, sessionId);
}

/** Whether a submitted token was made for this session by any current cookie key (constant-time comparison). */
export function logoutCsrfTokenMatches(cookieKeys: readonly string[], sessionId: string, presented: unknown): boolean {
  return cookieKeys.some((key) => csrfTokenMatches(mac(key, sessionId), presented));
}
