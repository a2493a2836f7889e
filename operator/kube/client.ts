/**
 * A narrow REST client for the Kubernetes API: one `request` over HTTPS with the kubeconfig's credentials.
 *
 * The operator needs subresources (`/status`), server-side apply with a field manager, optimistic-concurrency
 * replaces (leader election) and watches; speaking the REST paths directly keeps all of that in one small, typed
 * place that tests can run against a real API server. Informers still come from client-node's `makeInformer`.
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
export function kubeClient(kc: KubeConfig): KubeClient {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const base = new URL(cluster.server);
  return {
    async request<T>(method: Method, path: string, init: RequestInit = {}): Promise<T> {
      const url = new URL(path, base);
      for (const [name, value] of Object.entries(init.query ?? {})) {
        if (value !== undefined) url.searchParams.set(name, value);
      }
      const body = init.body === undefined ? undefined : JSON.stringify(init.body);
      const options: RequestOptions = {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': init.contentType ?? 'application/json' }),
        },
        timeout: 30_000,
      };
      await kc.applyToHTTPSOptions(options);
      const { status, text } = await send(url, options, body);
      const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
      if (status < 200 || status > 299) {
        const info = (parsed ?? {}) as { reason?: string; message?: string };
        throw new KubeApiError(
          status,
          info.reason ?? 'Unknown',
          `${method} ${url.pathname}: ${status} ${info.message ?? text}`,
        );
      }
      return parsed as T;
    },
  };
}

function send(url: URL, options: RequestOptions, body: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${url.pathname}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}
