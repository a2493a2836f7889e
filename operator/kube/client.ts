/**
 * A narrow REST client for the Kubernetes API: one `request` over HTTPS with the kubeconfig's credentials.
 *
 * The operator needs subresources (`/status`), server-side apply with a field manager, optimistic-concurrency
 * replaces (leader election) and watches; speaking the REST paths directly keeps all of that in one small, typed
 * place that tests can run against a real API server. Informers still come from client-node's `makeInformer`.
 *
 * Every request has a deadline (default {@link DEFAULT_REQUEST_TIMEOUT_MS}, for the whole exchange, not an idle
 * timeout: a server that trickles bytes cannot hold a request open) and honours an `AbortSignal`: aborting destroys the
 * connection at once and the request rejects. {@link fencedClient} binds a signal to every request of a client, which
 * is how a leader stops writing the moment it loses its Lease.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { PatchStrategy, type KubeConfig } from '@kubernetes/client-node';

/** HTTP methods the operator uses. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options of one request. */
export interface RequestInit {
  /** JSON body (serialised here). */
  readonly body?: unknown;
  /** Content type of the body (default `application/json`). */
  readonly contentType?: string;
  /** Query parameters. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** Aborts the request (in flight: the connection is destroyed); it then rejects with {@link KubeRequestAborted}. */
  readonly signal?: AbortSignal;
  /** Deadline of this request, overriding the client's (milliseconds). */
  readonly timeoutMs?: number;
}

/** Deadline of one request when neither the client nor the request sets one. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Options of {@link kubeClient}. */
export interface KubeClientOptions {
  /** Deadline of every request, from sending to the last byte of the answer (default 30 s). */
  readonly timeoutMs?: number;
  /** `User-Agent` header (default `kubeoidc-operator`); the API server's audit log records it. */
  readonly userAgent?: string;
}

/** The request did not complete: its deadline passed or its signal was aborted (e.g. the Lease was lost). */
export class KubeRequestAborted extends Error {
  /** `timeout` when the deadline passed, `aborted` when the caller's signal fired. */
  readonly kind: 'timeout' | 'aborted';
  constructor(kind: 'timeout' | 'aborted', message: string) {
    super(message);
    this.name = 'KubeRequestAborted';
    this.kind = kind;
  }
}

/** The API server answered with a non-2xx status. */
export class KubeApiError extends Error {
  /** HTTP status code. */
  readonly status: number;
  /** `Status.reason`, e.g. `NotFound`, `Conflict`, `AlreadyExists`. */
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
  }
}

/** Whether `error` is a request cut by its caller's signal (not by its deadline). */
export function isAborted(error: unknown): boolean {
  return error instanceof KubeRequestAborted && error.kind === 'aborted';
}

/** Whether `error` is the API server's 404. */
export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

/** Whether `error` is the API server's 409 (conflict or already exists). */
export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409;
}

/** The one method every operator component talks to the API server through. */
export interface KubeClient {
  /** Sends a request and returns the parsed JSON answer; throws {@link KubeApiError} on a non-2xx status. */
  request<T>(method: Method, path: string, init?: RequestInit): Promise<T>;
}

/** Content type of a server-side apply PATCH (client-node's `PatchStrategy.ServerSideApply`). */
export const APPLY_PATCH = PatchStrategy.ServerSideApply;
/** Content type of a JSON merge patch. */
export const MERGE_PATCH = PatchStrategy.MergePatch;

/** A {@link KubeClient} for the kubeconfig's current cluster and user. */
export function kubeClient(kc: KubeConfig, clientOptions: KubeClientOptions = {}): KubeClient {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const base = new URL(cluster.server);
  const defaultTimeoutMs = clientOptions.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    async request<T>(method: Method, path: string, init: RequestInit = {}): Promise<T> {
      const url = new URL(path, base);
      for (const [name, value] of Object.entries(init.query ?? {})) {
        if (value !== undefined) url.searchParams.set(name, value);
      }
      const what = `${method} ${url.pathname}`;
      const timeoutMs = init.timeoutMs ?? defaultTimeoutMs;
      if (init.signal?.aborted === true) throw new KubeRequestAborted('aborted', `${what}: not sent (aborted)`);
      const body = init.body === undefined ? undefined : JSON.stringify(init.body);
      const options: RequestOptions = {
        method,
        headers: {
          accept: 'application/json',
          'user-agent': clientOptions.userAgent ?? 'kubeoidc-operator',
          ...(body === undefined ? {} : { 'content-type': init.contentType ?? 'application/json' }),
        },
      };
      await kc.applyToHTTPSOptions(options);
      const { status, text } = await send(url, options, body, { what, timeoutMs, signal: init.signal });
      const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
      if (status < 200 || status > 299) {
        const info = (parsed ?? {}) as { reason?: string; message?: string };
        throw new KubeApiError(status, info.reason ?? 'Unknown', `${what}: ${status} ${info.message ?? text}`);
      }
      return parsed as T;
    },
  };
}

/**
 * `client` with `signal` bound to every request: once it is aborted, requests in flight are cut and new ones reject
 * without being sent. The operator gives reconcilers such a client per leadership term (docs/operator.md, fencing).
 */
export function fencedClient(client: KubeClient, signal: AbortSignal): KubeClient {
  return {
    request<T>(method: Method, path: string, init: RequestInit = {}): Promise<T> {
      const signals = init.signal === undefined ? [signal] : [signal, init.signal];
      return client.request<T>(method, path, { ...init, signal: AbortSignal.any(signals) });
    },
  };
}

interface Deadline {
  readonly what: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

function send(
  url: URL,
  options: RequestOptions,
  body: string | undefined,
  deadline: Deadline,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const { what, timeoutMs, signal } = deadline;
    const transport = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = transport(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        settle();
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => {
      fail(new KubeRequestAborted('timeout', `${what}: no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = (): void => {
      fail(new KubeRequestAborted('aborted', `${what}: aborted`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted === true) onAbort();
    function settle(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    function fail(error: Error): void {
      settle();
      req.destroy();
      reject(error);
    }
    req.on('error', fail);
    req.end(body);
  });
}
