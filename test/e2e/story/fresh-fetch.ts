/**
 * `fetch` over a new TCP connection per request. Through a Service, each connection goes to the next ready pod; the
 * global fetch keeps connections alive and would talk to one pod only. Given to openid-client as `customFetch`, it
 * spreads a relying party's requests over the replicas, as many browsers and app instances would.
 */
import { request } from 'node:http';

/** What openid-client passes to a custom fetch. */
interface FetchOptions {
  method?: string;
  headers?: Headers | Record<string, string> | [string, string][];
  body?: unknown;
  signal?: AbortSignal;
}

export function freshFetch(url: string | URL, options: FetchOptions = {}): Promise<Response> {
  const target = new URL(url);
  if (target.protocol !== 'http:') return Promise.reject(new Error(`freshFetch: plain http only, not ${target.href}`));
  const headers = Object.fromEntries(
    new Headers(options.headers as ConstructorParameters<typeof Headers>[0]).entries(),
  );
  const body = bodyBytes(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(body.length) }) },
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const one of Array.isArray(value) ? value : [value ?? '']) responseHeaders.append(name, one);
          }
          const status = res.statusCode ?? 0;
          const noBody = status === 204 || status === 304;
          resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function bodyBytes(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  throw new Error('freshFetch: unsupported request body');
}
