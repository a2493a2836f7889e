/**
 * Loopback TCP forwarding for tests. `startTcpForward` forwards each new connection to where `target()` says at that
 * moment (undefined: reset the connection). `startTcpProxy` builds an outage proxy on it: `cut()` makes the server
 * unreachable for every client of the proxy (open connections are reset, new ones are reset as soon as they arrive,
 * as with a stopped server), `restore()` lets traffic through again. TLS passes through untouched, so a kubeconfig
 * pointed at the proxy works with the API server's own certificate.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** Where a connection goes. */
export interface TcpTarget {
  host: string;
  port: number;
}

/** A running forward. */
export interface TcpForward {
  /** Port on 127.0.0.1 that forwards to the target. */
  readonly port: number;
  /** Resets every open connection (both sides). */
  resetAll(): void;
  stop(): Promise<void>;
}

/** A running outage proxy. */
export interface TcpProxy {
  /** Port on 127.0.0.1 that forwards to the target. */
  readonly port: number;
  /** Resets every open connection and refuses new ones until {@link restore}. */
  cut(): void;
  restore(): void;
  stop(): Promise<void>;
}

/** Forwards a free loopback port to `target()`, looked up per connection. */
export async function startTcpForward(target: () => TcpTarget | undefined): Promise<TcpForward> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server: Server = createServer((inbound) => {
    track(inbound);
    const to = target();
    if (to === undefined) {
      inbound.resetAndDestroy();
      return;
    }
    const outbound = createConnection({ host: to.host, port: to.port });
    track(outbound);
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('TCP forward has no port');
  return {
    port: address.port,
    resetAll() {
      for (const socket of sockets) socket.resetAndDestroy();
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

/** Starts an outage proxy to `targetHost:targetPort` on a free loopback port. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let down = false;
  const forward = await startTcpForward(() => (down ? undefined : { host: targetHost, port: targetPort }));
  return {
    port: forward.port,
    cut() {
      down = true;
      forward.resetAll();
    },
    restore() {
      down = false;
    },
    stop: () => forward.stop(),
  };
}
