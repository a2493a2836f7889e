import type { ErrorRequestHandler, Request, Response } from 'express';
import { OIDCError, ServerError, TemporarilyUnavailable } from '../errors/oidc-error.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { StorageUnavailableError } from '../storage/adapter.ts';
import { contextOf } from './context.ts';

/** Routes whose handled errors have an `<route>.error` event (EVENTS.md). */
export type ErrorRoute =
  | 'authorization'
  | 'discovery'
  | 'end_session'
  | 'grant'
  | 'introspection'
  | 'jwks'
  | 'pushed_authorization_request'
  | 'registration_create'
  | 'registration_delete'
  | 'registration_read'
  | 'registration_update'
  | 'revocation'
  | 'userinfo';

/**
 * Normalises anything thrown into an OIDCError and says whether it was handled (a client's mistake → `<route>.error`)
 * or not (a bug or an outage → `server_error`). Storage outages become 503 `temporarily_unavailable`.
 */
export function classify(error: unknown): { oidc: OIDCError; handled: boolean } {
  if (error instanceof OIDCError && error.expose) return { oidc: error, handled: true };
  if (error instanceof StorageUnavailableError) {
    return { oidc: new TemporarilyUnavailable('storage is temporarily unavailable'), handled: false };
  }
  if (error instanceof OIDCError) return { oidc: error, handled: false };
  // Body-parser and similar errors that carry a client status are the client's mistake.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { oidc: new OIDCError('invalid_request', 'request could not be parsed', 400), handled: true };
  }
  return { oidc: new ServerError(), handled: false };
}

/** Emits the error event for a route: `<route>.error` for handled errors, `server_error` otherwise. */
export function emitError(
  events: ProviderEmitter,
  route: ErrorRoute | undefined,
  req: Request,
  res: Response,
  error: unknown,
): OIDCError {
  const { oidc, handled } = classify(error);
  const ctx = contextOf(req, res, route ?? 'other');
  if (handled && route) events.emitSafely(`${route}.error`, ctx, oidc);
  else if (!handled) events.emitSafely('server_error', ctx, error instanceof Error ? error : new Error(String(error)));
  return oidc;
}

/** JSON error body (RFC 6749 §5.2); the description only when the error is exposed. */
export function errorBody(error: OIDCError): { error: string; error_description?: string } {
  return error.expose ? { error: error.error, error_description: error.errorDescription } : { error: error.error };
}

/** Error handler for JSON endpoints: emits the event and renders `{ error, error_description }`, never a stack. */
export function jsonErrorHandler(events: ProviderEmitter, route?: ErrorRoute): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const oidc = emitError(events, route, req, res, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(oidc.status).set('Cache-Control', 'no-store').json(errorBody(oidc));
  };
}
