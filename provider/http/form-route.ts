import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import { publicCors } from './cors.ts';
import { formBodyLimit } from './form-body.ts';

/**
 * A back-channel POST endpoint that takes a form (token, introspection, revocation), described once so that its
 * Express route (`mountFormRoute`) and the form front (`form-front.ts`, which answers the plain case without Express's
 * router and body parser) run the same steps in the same order: CORS headers (if `cors`), `Cache-Control: no-store` and
 * `Pragma: no-cache` (if `noStore`), the form body, `handle`; and any error to `onError`.
 */
export interface FormRoute {
  /** Relative to the issuer. */
  readonly path: string;
  /** The public CORS headers (`cors.ts`) for a cross-origin request; the preflight stays with Express. */
  readonly cors: boolean;
  /** `no-store` headers set before the body is read (so they are on every answer, errors included). */
  readonly noStore: boolean;
  /** Answers the request; `req.body` holds the parsed form. Throws (or rejects) to `onError`. */
  readonly handle: (req: Request, res: Response) => Promise<void>;
  /** The route's error handler: emits the error event and answers. */
  readonly onError: ErrorRequestHandler;
}

/** Sets the `no-store` headers of the answers of the back-channel endpoints. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  next();
};

/** Mounts the POST route (`router.post`) of a form route; its error handler and other methods are the endpoint's. */
export function mountFormRoute(router: Router, route: FormRoute): void {
  const chain: RequestHandler[] = [];
  if (route.cors) chain.push(publicCors(['POST']));
  if (route.noStore) chain.push(noStore);
  chain.push(express.urlencoded({ extended: false, limit: formBodyLimit }), route.handle);
  router.post(route.path, ...chain);
}
