/**
 * A reverse proxy in front of a real test provider, on 127.0.0.1, for the OIDCClient tests: it forwards every request
 * unchanged and answers with the provider's answer, counts the registrations (POST /register) by requested
 * `client_id`, and can run a test step after the provider answered a registration and before the operator sees the
 * answer (to make the operator's next write fail for real, e.g. by revoking its RBAC). With `tls` it serves HTTPS
 * with that certificate: a TLS-terminating proxy, as a service mesh or an ingress would put in front of the provider.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A running proxy. */
export interface RegistrationProxy {
  /** `http(s)://127.0.0.1:PORT`. */
  readonly url: string;
  /** Registrations forwarded, by the requested client_id (`''`: none requested). */
  readonly registrations: Map<string, number>;
  /** Why requests failed (answered 502), for failure messages. */
  readonly errors: string[];
  /** Runs after the provider answered a POST /register, before the answer is passed on (cleared after one use). */
  afterNextRegistration: ((status: number) => Promise<void>) | undefined;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Starts a proxy to `target` (a base URL such as `http://127.0.0.1:PORT`). */
export async function startRegistrationProxy(
  target: () => string,
  tls?: { key: string; cert: string },
): Promise<RegistrationProxy> {
  const proxy: RegistrationProxy = {
    url: '',
    registrations: new Map(),
    errors: [],
    afterNextRegistration: undefined,
    close: () => Promise.resolve(),
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const registering = req.method === 'POST' && (req.url ?? '').replace(/\?.*/, '') === '/register';
    if (registering) {
      let requested = '';
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { client_id?: unknown };
        if (typeof parsed.client_id === 'string') requested = parsed.client_id;
      } catch {
        // not JSON: counted under ''
      }
      proxy.registrations.set(requested, (proxy.registrations.get(requested) ?? 0) + 1);
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers[name] = value;
    }
    const answer = await fetch(`${target()}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body.length === 0 ? {} : { body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    const text = Buffer.from(await answer.arrayBuffer());
    const step = registering ? proxy.afterNextRegistration : undefined;
    if (step !== undefined) {
      proxy.afterNextRegistration = undefined;
      await step(answer.status);
    }
    const type = answer.headers.get('content-type');
    res.writeHead(answer.status, type === null ? {} : { 'content-type': type });
    res.end(text);
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      proxy.errors.push(
        error instanceof Error
          ? `${error.message} ${error.cause instanceof Error ? error.cause.message : ''}`
          : 'failed',
      );
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  };
  const server: Server = tls === undefined ? createHttpServer(listener) : createHttpsServer(tls, listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  Object.assign(proxy, {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  });
  return proxy;
}
