import type { ErrorRequestHandler } from 'express';
import { ClientAuthenticationError } from '../clients/authentication/errors.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { contextOf } from './context.ts';
import { emitError, errorBody, type ErrorRoute } from './error-handler.ts';

/**
 * Error handler of the back-channel endpoints that authenticate clients (introspection, revocation): emits
 * `<route>.error` (or `server_error`), renders the RFC 6749 §5.2 JSON body, never cached, and adds
 * `WWW-Authenticate: Basic` when the client failed HTTP Basic authentication (RFC 6749 §5.2 `invalid_client`).
 */
export function clientAuthErrorHandler(
  events: ProviderEmitter,
  route: ErrorRoute,
  issuer: string,
): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    contextOf(req, res, route);
    const oidc = emitError(events, route, req, res, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (error instanceof ClientAuthenticationError && error.challenge) {
      res.set('WWW-Authenticate', `Basic realm="${issuer}"`);
    }
    res.status(oidc.status).json(errorBody(oidc));
  };
}
