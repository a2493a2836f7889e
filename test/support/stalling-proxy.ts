/**
 * A loopback TCP proxy in front of a real server (the kube-apiserver) that a test can make stall: while stalled it
 * accepts connections and keeps them open but forwards nothing in either direction, so a request through it hangs as
 * it would behind a dead network path or a hung peer — no error, no reset, just silence. TLS passes through untouched.
 *
 * ```ts
 * const proxy = await startStallingProxy(cp.server);
 * proxy.stall();            // every request through proxy.url hangs from now on
 * await proxy.close();
 * ```
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** A running proxy. */
export interface StallingProxy {
  /** `https://127.0.0.1:PORT` (same scheme as the target). */
  readonly url: string;
  /** Stops forwarding on every connection, open and future; bytes sent meanwhile are held, never delivered. */
  stall(): void;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Closes the listener and destroys every connection. */
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port forwarding to `target` (`https://127.0.0.1:PORT`). */
export async function startStallingProxy(target: string): Promise<StallingProxy> {
  const { hostname, port, protocol } = new URL(target);
  const sockets = new Set<Socket>();
  let stalled = false;
  let connections = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  /** Forwards `from` → `to` chunk by chunk unless stalled (then drops the chunk: the peer waits forever). */
  const pipe = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      if (!stalled) to.write(chunk);
    });
    from.on('end', () => {
      if (!stalled) to.end();
    });
    from.on('close', () => {
      if (!stalled) to.destroy();
    });
  };
  const server = createServer((client) => {
    connections += 1;
    track(client);
    const upstream = createConnection({ host: hostname, port: Number(port) });
    track(upstream);
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  return {
    url: `${protocol}//127.0.0.1:${address.port}`,
    stall() {
      stalled = true;
    },
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A kubeconfig for `server` (e.g. a proxy's url) with the bearer `token` (e.g. the control plane's admin). */
export function kubeConfigVia(server: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server, skipTLSVerify: true }],
    users: [{ name: 'user', token }],
    contexts: [{ name: 'test', cluster: 'test', user: 'user', namespace: 'default' }],
    currentContext: 'test',
  });
  return kc;
}
