import type { RequestHandler } from 'express';
import { OIDCError } from '../errors/oidc-error.ts';

/**
 * The handled error of a read-only endpoint (discovery, JWKS): any method but the ones it serves is the client's
 * mistake — 405 `invalid_request` with an `Allow` header (RFC 9110 §15.5.6), rendered and emitted as
 * `<endpoint>.error` by the endpoint's error handler, never as a 404 of the app.
 */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req, res, next) => {
    res.set('Allow', allowed.join(', '));
    next(new OIDCError('invalid_request', `method ${req.method} is not allowed; use ${allowed.join(' or ')}`, 405));
  };
}
