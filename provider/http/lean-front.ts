import type { Express } from 'express';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { RequestSample } from '../app.ts';
import type { StaticDocument } from './endpoint.ts';
import { formFront } from './form-front.ts';
import type { FormRoute } from './form-route.ts';
import { observeWhenFinished } from './request-observer.ts';

/**
 * The request listener of the provider's server: GET and HEAD of the static documents (discovery, JWKS) at their exact
 * paths are answered here, by the handler their Express route uses; every other request goes to Express (`app`).
 *
 * Why: those documents are pre-serialised (`cached-document.ts`), so what a request costs is the HTTP layer around
 * them, and Express's part of it — `app.handle` resetting the prototypes of the request and response, the router's
 * matching and its middleware chain — was about a sixth of the CPU of a JWKS request (docs/performance.md, "JWKS and
 * discovery: the lean front").
 *
 * What keeps the answers identical: the same handler writes the response; the request is observed (metrics, access
 * log) with the same sample as the app's middleware; anything that is not an exact match — another method (405,
 * CORS preflight), a trailing slash, another case, an absolute-form target — goes to Express, which answers it as
 * before; and a handler that throws (a document that cannot be built) is handed to Express, whose error handler
 * answers it. test/http/lean-front.test.ts compares the two request by request.
 *
 * The plain POSTs of the back-channel form endpoints (token, introspection, revocation) are answered here too, by
 * `form-front.ts` (its own comment says which and how); test/http/form-front.test.ts compares those.
 */
export function leanFront(options: {
  /** The issuer URL's path without its trailing slash ('' at the root). */
  issuerPath: string;
  documents: readonly StaticDocument[];
  /** The form POST routes the form front answers in their plain case. */
  forms: readonly FormRoute[];
  observe: ((sample: RequestSample) => void) | undefined;
  /** Everything else: the Express app. */
  app: Express;
}): RequestListener {
  const { issuerPath, observe, app } = options;
  const form = formFront({ issuerPath, routes: options.forms, observe, app });
  // Keyed by the full path as it appears in the request target; the value also carries the issuer-relative path.
  const byPath = new Map<string, { path: string; serve: StaticDocument['serve'] }>();
  for (const document of options.documents) {
    for (const path of document.paths) byPath.set(`${issuerPath}${path}`, { path, serve: document.serve });
  }
  return (req: IncomingMessage, res: ServerResponse) => {
    const { method } = req;
    if (method === 'GET' || method === 'HEAD') {
      const url = req.url ?? '';
      const query = url.indexOf('?');
      const route = byPath.get(query === -1 ? url : url.slice(0, query));
      if (route !== undefined) {
        const listener = observe ? observeWhenFinished(req, res, route.path, observe) : undefined;
        try {
          route.serve(req, res);
          return;
        } catch {
          // Nothing was sent (a document is built before its response is written; the CORS headers set so far are set
          // alike again): Express answers through its error handler, and observes the request itself.
          if (listener) res.removeListener('finish', listener);
        }
      }
    } else if (method === 'POST' && form(req, res)) {
      return;
    }
    app(req, res);
  };
}
