import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { RequestContext } from '../events/context.ts';

/**
 * The request context for events, created once per request by `contextMiddleware(route)` and kept in `res.locals`.
 * Endpoint code fills `ctx.oidc` as it resolves the request.
 */
export function createContext(req: Request, route: string): RequestContext {
  return {
    requestId: randomUUID(),
    method: req.method,
    path: req.path,
    ip: req.ip ?? req.socket.remoteAddress ?? '',
    oidc: { route, params: {} },
  };
}

/** The context of this request; created on first use. */
export function contextOf(req: Request, res: Response, route: string): RequestContext {
  const locals = res.locals as { ctx?: RequestContext };
  locals.ctx ??= createContext(req, route);
  return locals.ctx;
}
