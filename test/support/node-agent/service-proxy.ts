/**
 * kube-proxy's job: each Service gets a loopback address of its own, and for each of its TCP ports a listener there
 * that hands every connection to the next ready endpoint (round-robin) from the Service's EndpointSlices, which the
 * endpointslice controller fills from pod readiness. (Core Endpoints refuse loopback addresses, EndpointSlices take
 * them; kube-proxy reads EndpointSlices too.) An endpoint that refuses is skipped for the next one. The `kubernetes`
 * Service in `default` leads to the API server itself.
 */
import type { V1Service } from '@kubernetes/client-node';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressBlock } from './addresses.ts';
import type { ServiceName } from './hosts-file.ts';
import type { ServicePort } from './sandbox.ts';
import { serviceLinkEnv, type LinkedPort } from './service-links.ts';
import { splice } from './stream-header.ts';

/** The parts of a `discovery.k8s.io/v1beta1` EndpointSlice the proxy reads. */
export interface EndpointSlice {
  metadata?: { namespace?: string; labels?: Record<string, string> };
  addressType?: string;
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

/** Connects to `ip:port`, through a pod sandbox when the address is one of this node's pods. */
export type Dialer = (ip: string, port: number) => Promise<Socket>;

interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

interface ProxiedService {
  readonly address: string;
  ports: LinkedPort[];
  readonly listeners: Map<number, Server>;
  /** Ready endpoints by service port. */
  targets: Map<number, Endpoint[]>;
  next: number;
}

/** Dials `ip:port` on the host's loopback network. */
export function dialHost(ip: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, ip);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** The Service proxies of one node. */
export class ServiceProxies {
  readonly #addresses: AddressBlock;
  readonly #dial: Dialer;
  readonly #apiServer: Endpoint;
  readonly #services = new Map<string, ProxiedService>();

  constructor(addresses: AddressBlock, dial: Dialer, apiServer: URL) {
    this.#addresses = addresses;
    this.#dial = dial;
    this.#apiServer = { ip: apiServer.hostname, port: Number(apiServer.port || 443) };
  }

  /** Brings listeners and endpoints in line with the cluster's Services and EndpointSlices. */
  sync(services: readonly V1Service[], slices: readonly EndpointSlice[]): void {
    const seen = new Set<string>();
    for (const service of services) {
      const namespace = service.metadata?.namespace ?? 'default';
      const name = service.metadata?.name ?? '';
      const key = `${namespace}/${name}`;
      seen.add(key);
      let proxied = this.#services.get(key);
      if (proxied === undefined) {
        proxied = {
          address: this.#addresses.serviceAddress(),
          ports: [],
          listeners: new Map(),
          targets: new Map(),
          next: 0,
        };
        this.#services.set(key, proxied);
      }
      const ports = (service.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
      const targets = new Map<number, Endpoint[]>();
      for (const port of ports) {
        targets.set(
          port.port,
          key === 'default/kubernetes' ? [this.#apiServer] : readyEndpoints(slices, namespace, name, port.name ?? ''),
        );
        if (!proxied.listeners.has(port.port)) proxied.listeners.set(port.port, this.#listen(proxied, port.port));
      }
      for (const [port, server] of proxied.listeners) {
        if (!targets.has(port)) {
          server.close();
          proxied.listeners.delete(port);
        }
      }
      proxied.targets = targets;
      proxied.ports = ports.map((p) => ({
        port: p.port,
        protocol: p.protocol ?? 'TCP',
        ...(p.name === undefined ? {} : { name: p.name }),
      }));
    }
    for (const [key, proxied] of this.#services) {
      if (seen.has(key)) continue;
      for (const server of proxied.listeners.values()) server.close();
      this.#addresses.release(proxied.address);
      this.#services.delete(key);
    }
  }

  /** The loopback address of a Service, once it was synced. */
  address(namespace: string, name: string): string | undefined {
    return this.#services.get(`${namespace}/${name}`)?.address;
  }

  /** Every Service with its address, for hosts files. */
  names(): ServiceName[] {
    return [...this.#services].map(([key, proxied]) => {
      const [namespace = '', name = ''] = key.split('/');
      return { namespace, name, address: proxied.address };
    });
  }

  /** The service-link variables of every Service in `namespace` (see `service-links.ts`). */
  linkEnv(namespace: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, proxied] of this.#services) {
      const [serviceNamespace = '', name = ''] = key.split('/');
      if (serviceNamespace === namespace) Object.assign(env, serviceLinkEnv(name, proxied.address, proxied.ports));
    }
    return env;
  }

  /** Every Service address and port, for pod sandboxes. */
  ports(): ServicePort[] {
    return [...this.#services.values()].flatMap((proxied) =>
      [...proxied.listeners.keys()].map((port) => ({ address: proxied.address, port })),
    );
  }

  close(): void {
    for (const proxied of this.#services.values()) for (const server of proxied.listeners.values()) server.close();
    this.#services.clear();
  }

  #listen(proxied: ProxiedService, port: number): Server {
    const server = createServer((client) => {
      client.on('error', () => undefined);
      void this.#forward(proxied, port, client);
    });
    server.on('error', (error) => {
      console.error(`node agent: Service proxy cannot listen on ${proxied.address}:${port}: ${error.message}`);
    });
    server.listen(port, proxied.address);
    return server;
  }

  async #forward(proxied: ProxiedService, port: number, client: Socket): Promise<void> {
    const endpoints = proxied.targets.get(port) ?? [];
    for (let attempt = 0; attempt < endpoints.length; attempt++) {
      const endpoint = endpoints[proxied.next++ % endpoints.length];
      try {
        const upstream = await this.#dial(endpoint.ip, endpoint.port);
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
    client.destroy(); // no ready endpoint: like kube-proxy's REJECT
  }
}

function readyEndpoints(
  slices: readonly EndpointSlice[],
  namespace: string,
  name: string,
  portName: string,
): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const slice of slices) {
    if (slice.metadata?.namespace !== namespace) continue;
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== name) continue;
    const port = slice.ports?.find((p) => (p.name ?? '') === portName)?.port;
    if (port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      for (const ip of endpoint.addresses) endpoints.push({ ip, port });
    }
  }
  return endpoints.sort((a, b) => a.ip.localeCompare(b.ip));
}
