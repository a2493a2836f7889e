/**
 * The node's data plane, kube-proxy's share of the agent's job, in a process of its own: a listener on each Service
 * address and port that hands every connection to the next ready endpoint (round-robin; an endpoint that refuses is
 * skipped for the next one; none left: the connection is closed, like kube-proxy's REJECT), and the agent's `out.sock`,
 * where pod sandboxes send their pods' connections to Services (header `ADDRESS PORT`).
 *
 * Why a process of its own: on a cluster this path is the kernel's, and nothing a kubelet does delays it. In the test
 * process it shared an event loop with the agent's pod syncs, volume refreshes and API calls and with the test itself;
 * under CPU contention that loop stalled for a second or more, every pod's Redis round trip with it, and the
 * provider's 1 s Redis command deadline answered 503 (`temporarily_unavailable`). This process does nothing else, so
 * its latency is the scheduler's alone.
 *
 * The table comes from `<routesFile>` (`proxy-routes.ts`), polled every 100 ms.
 * Usage: `node proxy-main.ts <routesFile> <outSocket>` (the agent starts it under its supervisor).
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Route, RouteEndpoint } from './proxy-routes.ts';
import { readHeader, splice } from './stream-header.ts';

const args = process.argv.slice(2);
if (args.length !== 2) {
  console.error('usage: proxy-main.ts <routesFile> <outSocket>');
  process.exit(2);
}
const [routesFile, outSocket] = args as [string, string];

interface Proxied {
  endpoints: readonly RouteEndpoint[];
  next: number;
  readonly server: Server;
}
const proxied = new Map<string, Proxied>();

/** Resolves once connected; rejects when refused (a pod sandbox closes without the empty header line). */
function dial(endpoint: RouteEndpoint): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = endpoint.via === undefined ? connect(endpoint.port, endpoint.ip) : connect(endpoint.via);
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.on('error', () => undefined); // until splice() attaches its own
    socket.once('error', fail);
    socket.once('connect', () => {
      if (endpoint.via === undefined) {
        socket.off('error', fail);
        resolve(socket);
        return;
      }
      socket.write(`${endpoint.port}\n`);
      readHeader(socket).then(
        () => {
          socket.off('error', fail);
          resolve(socket);
        },
        () => {
          fail(new Error(`${endpoint.ip}:${endpoint.port} refused`));
        },
      );
    });
  });
}

async function forward(key: string, client: Socket): Promise<void> {
  client.on('error', () => undefined);
  const service = proxied.get(key);
  const endpoints = service?.endpoints ?? [];
  for (let attempt = 0; attempt < endpoints.length && service !== undefined; attempt++) {
    const endpoint = endpoints[service.next++ % endpoints.length];
    try {
      const upstream = await dial(endpoint);
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      splice(client, upstream);
      return;
    } catch {
      // refused: try the next endpoint
    }
  }
  client.destroy();
}

function apply(routes: readonly Route[]): void {
  const wanted = new Map(routes.map((route) => [`${route.address} ${route.port}`, route]));
  for (const [key, service] of proxied) {
    if (wanted.has(key)) continue;
    service.server.close();
    proxied.delete(key);
  }
  for (const [key, route] of wanted) {
    const existing = proxied.get(key);
    if (existing !== undefined) {
      existing.endpoints = route.endpoints;
      continue;
    }
    const server = createServer((client) => {
      void forward(key, client);
    });
    server.on('error', (error) => {
      console.error(`proxy: cannot listen on ${key}: ${error.message}`);
    });
    server.listen(route.port, route.address);
    proxied.set(key, { endpoints: route.endpoints, next: 0, server });
  }
}

// A pod's connection to a Service arrives with the Service's address and port; it goes to that Service's endpoints
// here directly (no second hop through the Service listener).
const out = createServer((socket) => {
  readHeader(socket).then(
    (header) => {
      const [address = '', port = ''] = header.split(' ');
      void forward(`${address} ${port}`, socket);
    },
    () => undefined,
  );
});
rmSync(outSocket, { force: true });
out.listen(outSocket);

let seen = '';
function poll(): void {
  try {
    const stats = statSync(routesFile);
    const stamp = `${stats.ino} ${stats.mtimeMs} ${stats.size}`;
    if (stamp === seen) return;
    apply(JSON.parse(readFileSync(routesFile, 'utf8')) as Route[]);
    seen = stamp;
  } catch {
    // not written yet, or being replaced: next tick
  }
}
poll();
setInterval(poll, 100);
