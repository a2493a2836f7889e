import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestSample } from '../app.ts';

/**
 * Tells `observe` (metrics, access log) of the request when its response has been handed to the socket. The same for
 * requests Express routes and for those the lean front answers (`lean-front.ts`), so both count alike. `on`, not
 * `once`: a response finishes once, and `once` would remove its wrapper during the emit, which makes Node copy the
 * response's listener array on every request. Answers the listener, for a caller that must take it back.
 */
export function observeWhenFinished(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  observe: (sample: RequestSample) => void,
): () => void {
  const start = process.hrtime.bigint();
  const listener = (): void => {
    observe({
      path,
      method: req.method ?? '',
      status: res.statusCode,
      seconds: Number(process.hrtime.bigint() - start) / 1e9,
    });
  };
  res.on('finish', listener);
  return listener;
}
