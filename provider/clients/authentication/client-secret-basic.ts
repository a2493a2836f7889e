import { InvalidRequest } from '../../errors/oidc-error.ts';

/**
 * client_secret_basic (RFC 6749 §2.3.1): `Authorization: Basic base64(id ":" secret)` where id and secret are first
 * form-urlencoded (Appendix B), so both may contain ":" and non-ASCII characters. Parsing only; the secret is checked
 * against the client's hash in `authenticate.ts`.
 */

/** Whether an Authorization header uses the Basic scheme (case-insensitive, RFC 7617 §2). */
export function isBasic(authorization: string | undefined): authorization is string {
  return authorization !== undefined && /^basic(\s|$)/i.test(authorization);
}

/** application/x-www-form-urlencoded decoding of one component: `+` is a space, then percent-decoding. */
function formDecode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw new InvalidRequest('client credentials in the Authorization header are not correctly form-urlencoded');
  }
}

/** The client id and secret of a Basic Authorization header. */
export function parseBasic(authorization: string): { clientId: string; secret: string } {
  const token = authorization.replace(/^basic\s*/i, '').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) {
    throw new InvalidRequest('Authorization header Basic credentials are not valid base64');
  }
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidRequest('Authorization header Basic credentials must be "id:secret"');
  const clientId = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (!clientId || !secret) throw new InvalidRequest('Authorization header Basic credentials must be "id:secret"');
  return { clientId, secret };
}
