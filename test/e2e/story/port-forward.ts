/**
 * What `kubectl port-forward svc/NAME` gives a user on their laptop: a port on 127.0.0.1 that leads to a Service. Here
 * it leads to the node agent's proxy of that Service (so every connection goes round-robin over the ready pods, as
 * inside the cluster), looked up per connection: the Service may appear after the forward starts, and the issuer URL
 * (`http://127.0.0.1:PORT`, the only plain-http issuer besides localhost that an OIDCProvider accepts) must be known
 * before the OIDCProvider that creates the Service is applied.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A running forward. */
export interface PortForward {
  readonly port: number;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Forwards 127.0.0.1:<free port> to `target()` (the Service's address and port; undefined: refuse for now). */
export async function forwardToService(target: () => { host: string; port: number } | undefined): Promise<PortForward> {
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
    const outbound = connect(to.port, to.host);
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
  if (address === null || typeof address === 'string') throw new Error('port-forward: no TCP address');
  return {
    port: address.port,
    url: `http://127.0.0.1:${String(address.port)}`,
    stop() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
