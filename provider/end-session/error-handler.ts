import type { ErrorRequestHandler, Response } from 'express';
import type { ProviderEmitter } from '../events/events.ts';
import { contextOf } from '../http/context.ts';
import { emitError } from '../http/error-handler.ts';
import { errorPage } from '../pages/error-page.ts';
import { sendPage } from '../pages/send.ts';
import { loggableEndSessionParams } from './parameters.ts';
import type { EndSessionRequest } from './request.ts';

/** Where the logout request being handled is kept for the error handler. */
export function keepEndSessionRequest(res: Response, request: EndSessionRequest): void {
  (res.locals as { endSession?: EndSessionRequest }).endSession = request;
}

/**
 * Renders errors of the end-session endpoint: emits `end_session.error` (a client's or browser's mistake) or
 * `server_error`, and always shows an HTML error page — never a redirect, since a logout error may be exactly that the
 * post-logout redirect URI could not be trusted.
 */
export function endSessionErrorHandler(events: ProviderEmitter): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const request = (res.locals as { endSession?: EndSessionRequest }).endSession;
    const ctx = contextOf(req, res, 'end_session');
    if (request) {
      ctx.oidc.params = loggableEndSessionParams(request.params);
      if (request.client) ctx.oidc.client = request.client;
    }
    const oidc = emitError(events, 'end_session', req, res, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    const page: { error: string; description?: string } = { error: oidc.error };
    if (oidc.expose) page.description = oidc.errorDescription;
    sendPage(res, oidc.status, (nonce) =>
      errorPage({
        nonce,
        title: 'This sign-out request could not be completed',
        lead: 'Return to the application you came from. If the problem continues, contact its administrator and mention the details below.',
        ...page,
      }),
    );
  };
}
