/**
 * Request load with autocannon: one request shape repeated on `connections` keep-alive connections, for `seconds` or
 * for `amount` requests. Every response goes through the scenario's `accept` check (status and body): only accepted
 * answers count as throughput; anything else — a non-2xx where a 2xx was meant, a 200 with the wrong body (an
 * introspection answering `active: false`), a connection error, a timeout — counts as an error, so a broken scenario
 * shows as broken rather than fast.
 */
import autocannon from 'autocannon';

/** One request shape; `next` varies the body per request (a token from a pool), `onAnswer` reads what came back. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * Body of the next request, per connection (`context` is the connection's own object). Answers undefined when the
   * pool it draws from is used up: the run then stops early (its rate is over the time it ran).
   */
  next?: (context: Record<string, unknown>) => string | undefined;
  /** Whether an answer is the expected one. */
  accept: (status: number, body: string) => boolean;
  /** Sees every accepted answer (to collect tokens for a later scenario, or chain a refresh token). */
  onAnswer?: (body: string, context: Record<string, unknown>) => void;
}

export interface LoadResult {
  /** Accepted answers per second. */
  rate: number;
  p50: number;
  p99: number;
  accepted: number;
  /** Rejected answers, connection errors and timeouts. */
  errors: number;
  /** One rejected answer, to say what went wrong. */
  firstError?: string;
  seconds: number;
}

export type LoadLength = { seconds: number } | { amount: number };

export async function runLoad(
  baseUrl: string,
  request: LoadRequest,
  { connections, ...length }: { connections: number } & LoadLength,
): Promise<LoadResult> {
  let accepted = 0;
  let rejected = 0;
  let firstError: string | undefined;
  let exhausted = false;
  // setupRequest may run before autocannon() returns (the first request is built at once): stop through a holder.
  const control: { stop?: () => void } = {};
  const started = performance.now();
  const instance = autocannon({
    url: baseUrl,
    connections,
    ...('seconds' in length ? { duration: length.seconds } : { amount: length.amount }),
    timeout: 10,
    requests: [
      {
        method: request.method,
        path: request.path,
        headers: request.headers ?? {},
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.next
          ? {
              setupRequest: (req: { body?: string }, context: Record<string, unknown>) => {
                const body = request.next?.(context);
                if (body === undefined) {
                  if (!exhausted) control.stop?.();
                  exhausted = true;
                  return req; // the last body once more; the run is stopping
                }
                return { ...req, body };
              },
            }
          : {}),
        onResponse: (status: number, body: string, context: Record<string, unknown>) => {
          if (request.accept(status, body)) {
            accepted += 1;
            request.onAnswer?.(body, context);
          } else {
            rejected += 1;
            firstError ??= `${String(status)} ${body.slice(0, 200)}`;
          }
        },
      },
    ],
  });
  control.stop = () => {
    instance.stop();
  };
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  return {
    rate: accepted / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    accepted,
    errors: rejected + result.errors + result.timeouts,
    ...(firstError === undefined ? {} : { firstError }),
    seconds,
  };
}

/** Accepts a 2xx whose body passes `check` (default: any). */
export function ok2xx(check: (body: string) => boolean = () => true): LoadRequest['accept'] {
  return (status, body) => status >= 200 && status < 300 && check(body);
}

/** Parses a JSON body, undefined when it is not JSON. */
export function json(body: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
