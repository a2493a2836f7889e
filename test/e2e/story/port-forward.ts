/**
 * What `kubectl port-forward svc/NAME` gives a user on their laptop: a port on 127.0.0.1 that leads to a Service. Here
 * it leads to the node agent's proxy of that Service (so every connection goes round-robin over the ready pods, as
 * inside the cluster), looked up per connection: the Service may appear after the forward starts, and the issuer URL
 * (`http://127.0.0.1:PORT`, the only plain-http issuer besides localhost that an OIDCProvider accepts) must be known
 * before the OIDCProvider that creates the Service is applied.
 */
import { startTcpForward, type TcpTarget } from '../../support/tcp-proxy.ts';

/** A running forward. */
export interface PortForward {
  readonly port: number;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Forwards 127.0.0.1:<free port> to `target()` (the Service's address and port; undefined: refuse for now). */
export async function forwardToService(target: () => TcpTarget | undefined): Promise<PortForward> {
  const forward = await startTcpForward(target);
  return { port: forward.port, url: `http://127.0.0.1:${String(forward.port)}`, stop: () => forward.stop() };
}
