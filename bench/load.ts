/**
 * Request load: one request shape repeated on `connections` keep-alive connections, for `seconds` or for `amount`
 * requests. Every response goes through the scenario's `accept` check (status and body): only accepted answers count
 * as throughput; anything else — a non-2xx where a 2xx was meant, a 200 with the wrong body (an introspection
 * answering `active: false`), a connection error, a timeout — counts as an error, so a broken scenario shows as
 * broken rather than fast.
 *
 * Driven by the bench's own `node:net` driver (`net-load.ts`); autocannon (`autocannon-load.ts`) stays selectable
 * (BENCH_DRIVER=autocannon) to cross-check it. autocannon costs more CPU per request: at 15–20 k req/s it saturates
 * the load core, and the ratio then measures it rather than the servers.
 */
import { runNetLoad } from './net-load.ts';

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
  /** Whether an answer is the expected one: a pure function of status and body (an answer may be judged once). */
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

export const loadDrivers = ['net', 'autocannon'] as const;
export type LoadDriver = (typeof loadDrivers)[number];

let driver: LoadDriver = 'net';

/** Chooses the driver of every later `runLoad` (the bench's BENCH_DRIVER). */
export function useLoadDriver(name: LoadDriver): void {
  driver = name;
}

export async function runLoad(
  baseUrl: string,
  request: LoadRequest,
  options: { connections: number } & LoadLength,
): Promise<LoadResult> {
  if (driver === 'net') return runNetLoad(baseUrl, request, options);
  // Loaded only when chosen: autocannon and its WebAssembly histogram are not needed otherwise.
  const { runAutocannonLoad } = await import('./autocannon-load.ts');
  return runAutocannonLoad(baseUrl, request, options);
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
