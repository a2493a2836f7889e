import type { ErrorRequestHandler } from 'express';
import type { ProviderEmitter } from '../events/events.ts';
import { emitError } from '../http/error-handler.ts';
import { errorPage } from './error-page.ts';
import { sendPage } from './send.ts';

/**
 * Errors of the end-user's pages (interaction, device verification) are shown as a page titled `title`: there is no
 * client to redirect to from there. A handled error shows its code (and its description when it may be shown) and has
 * no event of its own in EVENTS.md; anything unexpected emits `server_error` and shows no detail.
 */
export function pageErrorHandler(events: ProviderEmitter, title: string): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const oidc = emitError(events, undefined, req, res, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    const page: { error: string; description?: string } = { error: oidc.error };
    if (oidc.expose) page.description = oidc.errorDescription;
    sendPage(res, oidc.status, (nonce) => errorPage({ nonce, title, ...page }));
  };
}
