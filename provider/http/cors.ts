import type { RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for the endpoints a browser-based client calls directly (token, userinfo): single-page apps are public clients
 * (like the `demo-spa` default) and must reach them from their own origin. Any origin is allowed and credentials
 * never are: these endpoints take no cookies, only what the request itself carries (client credentials, PKCE
 * verifier, bearer token), so an allowed origin gains nothing it could not do from a server. Preflights are answered
 * here; `WWW-Authenticate` is exposed so a browser client can read RFC 6750 errors.
 */
export function publicCors(methods: readonly string[]): RequestHandler {
  const allowMethods = [...methods, 'OPTIONS'].join(', ');
  return (req, res, next) => {
    if (!setPublicCorsHeaders(req, res)) {
      next();
      return;
    }
    if (req.method === 'OPTIONS') {
      res
        .set({
          'Access-Control-Allow-Methods': allowMethods,
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, DPoP',
          'Access-Control-Max-Age': '3600',
        })
        .status(204)
        .end();
      return;
    }
    next();
  };
}

/**
 * The CORS headers of a response to a cross-origin request (one carrying `Origin`), on Node's own request and response:
 * the cached documents (`cached-document.ts`) set them themselves, since the lean front (`lean-front.ts`) serves them
 * without Express. Answers whether the request was cross-origin.
 */
export function setPublicCorsHeaders(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.headers.origin === undefined) return false;
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate');
  return true;
}
