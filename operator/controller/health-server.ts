/**
 * `/healthz` (the process is alive and has not given up), `/readyz` (ready to take over or leading with warm caches)
 * and `/metrics`, on their own port. Plain node:http: three fixed routes need no framework.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Options of {@link startHealthServer}. */
export interface HealthServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly registry: Registry;
  /** Whether `/readyz` answers 200. */
  readonly ready: () => boolean;
  /** Why the operator is unhealthy (`/healthz` answers 503 with it), or undefined while it is healthy. */
  readonly problem?: () => string | undefined;
}

/** A listening health server. */
export interface HealthServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the server and resolves once it listens. */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const text = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(status, { 'content-type': type }).end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      text(405, 'method not allowed\n');
      return;
    }
    if (path === '/healthz') {
      const problem = options.problem?.();
      if (problem === undefined) text(200, 'ok\n');
      else text(503, `${problem}\n`);
      return;
    }
    if (path === '/readyz') {
      if (options.ready()) text(200, 'ok\n');
      else text(503, 'not ready\n');
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (body) => {
          text(200, body, options.registry.contentType);
        },
        () => {
          text(500, 'metrics unavailable\n');
        },
      );
      return;
    }
    text(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
