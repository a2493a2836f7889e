import type { Express, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestSample } from '../app.ts';
import { setPublicCorsHeaders } from './cors.ts';
import { formBodyLimit, readForm } from './form-body.ts';
import type { FormRoute } from './form-route.ts';
import { observeWhenFinished } from './request-observer.ts';

/**
 * The plain case of the back-channel form POSTs (token, introspection, revocation), answered without Express's router
 * and body parser by the route's own `handle` and `onError` (`form-route.ts`), for the lean front (`lean-front.ts`).
 *
 * Why: on those requests Express's router, its route dispatch and body-parser with raw-body, type-is and qs were
 * ≈ 20 % of the provider's busy time (docs/performance.md, "Token endpoints: the form front").
 *
 * The plain case, and only it: POST at the exact path (no query string), `Content-Type` exactly
 * `application/x-www-form-urlencoded`, a `Content-Length` within body-parser's limit, no `Content-Encoding` nor
 * `Transfer-Encoding`. Everything else — another method (405, the CORS preflight), another content type (the
 * endpoint's own `invalid_request`), an oversize or chunked or compressed body — goes to Express as before.
 *
 * What keeps the answers identical: the request and response get what Express's `app.handle` and router give a route
 * (Express's prototypes, so `req.is`, `req.ip` with the trust-proxy setting, `res.json`…; `res.locals`; `req.url`
 * relative to the router, `baseUrl`, `originalUrl`), the same headers are set in the same order before the body is
 * read, the body is read and parsed as body-parser does (`form-body.ts`), and errors reach `onError` with `req.url` and
 * `baseUrl` as the router's `use` layer sets them. test/http/form-front.test.ts compares the two request by request.
 */
export function formFront(options: {
  issuerPath: string;
  routes: readonly FormRoute[];
  observe: ((sample: RequestSample) => void) | undefined;
  app: Express;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { issuerPath, observe, app } = options;
  const byPath = new Map<string, FormRoute>();
  for (const route of options.routes) byPath.set(`${issuerPath}${route.path}`, route);
  // Express's prototypes of its request and response (`app.request`, `app.response`), which carry `app` (settings).
  const { request: requestPrototype, response: responsePrototype } = app as unknown as {
    request: object;
    response: object;
  };

  return (incoming, outgoing) => {
    const url = incoming.url ?? '';
    const route = byPath.get(url);
    if (route === undefined) return false;
    const { headers } = incoming;
    if (
      headers['content-type'] !== 'application/x-www-form-urlencoded' ||
      headers['content-encoding'] !== undefined ||
      headers['transfer-encoding'] !== undefined
    ) {
      return false;
    }
    const length = headers['content-length'];
    if (length === undefined || !(Number(length) <= formBodyLimit)) return false;

    if (observe) observeWhenFinished(incoming, outgoing, route.path, observe);
    // What `app.handle` does (circular references, prototypes, locals), then the router (paths).
    const req = incoming as Request;
    const res = outgoing as Response;
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, requestPrototype);
    Object.setPrototypeOf(res, responsePrototype);
    res.locals = Object.create(null) as Response['locals'];
    req.originalUrl = url;
    req.baseUrl = issuerPath;
    req.url = route.path;
    req.params = {};

    const fail = (error: unknown): void => {
      // The route's error handler is mounted with `router.use(path, …)`, which strips the path from `req.url`.
      req.baseUrl = url;
      req.url = '/';
      route.onError(error, req, res, () => {
        // Express's own last resort, which no route's handler reaches (they answer every error themselves).
        if (!res.headersSent) res.status(500).end();
      });
    };
    if (route.cors) setPublicCorsHeaders(req, res);
    if (route.noStore) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    readForm(req, (error, form) => {
      if (error !== undefined) {
        fail(error);
        return;
      }
      req.body = form;
      route.handle(req, res).catch(fail);
    });
    return true;
  };
}
