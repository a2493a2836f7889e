/**
 * The few API server calls the node agent makes, as plain JSON over HTTPS with the admin token (the test control plane
 * serves a self-signed certificate). A kubelet would use its node credentials; the test cluster authorizes by RBAC only,
 * so the agent acts as `admin`.
 */
import { request } from 'node:https';

/** Where the API server is and how to authenticate (a `ControlPlane` fits). */
export interface ApiEndpoint {
  readonly server: string;
  readonly token: string;
}

/** A non-2xx answer of the API server. */
export class ApiError extends Error {
  readonly status: number;
  constructor(method: string, path: string, status: number, body: string) {
    super(`${method} ${path}: ${status} ${body.slice(0, 500)}`);
    this.status = status;
  }
}

/** Calls the API server; resolves the parsed JSON body, rejects with {@link ApiError} on a non-2xx status. */
export function callApi<T>(
  api: ApiEndpoint,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, api.server),
      {
        method,
        rejectUnauthorized: false,
        timeout: 30_000,
        headers: {
          authorization: `Bearer ${api.token}`,
          accept: 'application/json',
          // Explicit length: Node sends a DELETE body without one, and the server then reads it as the next request.
          ...(payload === undefined
            ? {}
            : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(new ApiError(method, path, status, text));
            return;
          }
          try {
            resolve((text === '' ? {} : JSON.parse(text)) as T);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Whether an error is the API server's 404. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** Whether an error is the API server's 409 (already exists, or a stale resourceVersion). */
export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}

/** A list response. */
export interface List<T> {
  items: T[];
}
