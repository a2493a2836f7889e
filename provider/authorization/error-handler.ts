import type { ErrorRequestHandler, Response } from 'express';
import type { ProviderConfig } from '../config/options.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { contextOf } from '../http/context.ts';
import { emitError } from '../http/error-handler.ts';
import { errorPage } from '../pages/error-page.ts';
import { sendPage } from '../pages/send.ts';
import { loggableParams } from './parameters.ts';
import type { AuthorizationRequest } from './request.ts';
import { sendAuthorizationResponse } from './respond.ts';

/** Where the authorization request being handled is kept for the error handler. */
export function authorizationState(res: Response): AuthorizationRequest | undefined {
  return (res.locals as { authorization?: AuthorizationRequest }).authorization;
}

/** Keeps the (partly) checked authorization request for the error handler: its redirect URI, once trusted, gets errors. */
export function keepAuthorizationState(res: Response, request: AuthorizationRequest): void {
  (res.locals as { authorization?: AuthorizationRequest }).authorization = request;
}

/**
 * Renders errors of the authorization endpoint. Emits `authorization.error` (a client's mistake) or `server_error` (a
 * bug or an outage). Once the redirect URI is trusted the error goes back to the client with `state` and `iss` in the
 * request's response mode (RFC 6749 §4.1.2.1, RFC 9207); before that — unknown client, mismatched or duplicated
 * redirect_uri — it is shown on an HTML error page and never redirected.
 */
export function authorizationErrorHandler(config: ProviderConfig, events: ProviderEmitter): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const request = authorizationState(res);
    if (request) {
      // What the checks established before failing, for the `authorization.error` listeners.
      const ctx = contextOf(req, res, 'authorization');
      ctx.oidc.params = loggableParams(request.params);
      if (request.client) ctx.oidc.client = request.client;
    }
    const oidc = emitError(events, 'authorization', req, res, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (request?.redirectUri) {
      const params: Record<string, string> = { error: oidc.error };
      if (oidc.expose) params.error_description = oidc.errorDescription;
      if (request.params.state !== undefined) params.state = request.params.state;
      params.iss = config.issuer;
      sendAuthorizationResponse(res, { redirectUri: request.redirectUri, mode: request.responseMode, params });
      return;
    }
    const page: { error: string; description?: string } = { error: oidc.error };
    if (oidc.expose) page.description = oidc.errorDescription;
    sendPage(res, oidc.status, (nonce) => errorPage({ nonce, ...page }));
  };
}
