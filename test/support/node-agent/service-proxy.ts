/**
 * kube-proxy's job, the control half: each Service gets a loopback address of its own, and for each of its TCP ports
 * the ready endpoints from the Service's EndpointSlices, which the endpointslice controller fills from pod readiness.
 * (Core Endpoints refuse loopback addresses, EndpointSlices take them; kube-proxy reads EndpointSlices too.) The `kubernetes`
 * Service in `default` leads to the API server itself. The connections themselves are carried by the data-plane
 * process (`proxy-main.ts`), from the table {@link ServiceProxies.routes} makes.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { AddressBlock } from './addresses.ts';
import type { ServiceName } from './hosts-file.ts';
import type { Route } from './proxy-routes.ts';
import type { ServicePort } from './sandbox.ts';
import { serviceLinkEnv, type LinkedPort } from './service-links.ts';

/** The parts of a `discovery.k8s.io/v1beta1` EndpointSlice the proxy reads. */
export interface EndpointSlice {
  metadata?: { namespace?: string; labels?: Record<string, string> };
  addressType?: string;
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

interface ProxiedService {
  readonly address: string;
  ports: LinkedPort[];
  /** Ready endpoints by service port. */
  targets: Map<number, Endpoint[]>;
}

/** The Service proxies of one node. */
export class ServiceProxies {
  readonly #addresses: AddressBlock;
  readonly #apiServer: Endpoint;
  readonly #services = new Map<string, ProxiedService>();

  constructor(addresses: AddressBlock, apiServer: URL) {
    this.#addresses = addresses;
    this.#apiServer = { ip: apiServer.hostname, port: Number(apiServer.port || 443) };
  }

  /** Brings addresses and endpoints in line with the cluster's Services and EndpointSlices. */
  sync(services: readonly V1Service[], slices: readonly EndpointSlice[]): void {
    const seen = new Set<string>();
    for (const service of services) {
      const namespace = service.metadata?.namespace ?? 'default';
      const name = service.metadata?.name ?? '';
      const key = `${namespace}/${name}`;
      seen.add(key);
      let proxied = this.#services.get(key);
      if (proxied === undefined) {
        proxied = { address: this.#addresses.serviceAddress(), ports: [], targets: new Map() };
        this.#services.set(key, proxied);
      }
      const ports = (service.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
      const targets = new Map<number, Endpoint[]>();
      for (const port of ports) {
        targets.set(
          port.port,
          key === 'default/kubernetes' ? [this.#apiServer] : readyEndpoints(slices, namespace, name, port.name ?? ''),
        );
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
      [...proxied.targets.keys()].map((port) => ({ address: proxied.address, port })),
    );
  }

  /** The data plane's table; `via(ip)` names the sandbox socket of a pod of this node (`proxy-routes.ts`). */
  routes(via: (ip: string) => string | undefined): Route[] {
    return [...this.#services.values()].flatMap((proxied) =>
      [...proxied.targets].map(([port, endpoints]) => ({
        address: proxied.address,
        port,
        endpoints: endpoints.map((endpoint) => {
          const socket = via(endpoint.ip);
          return socket === undefined ? endpoint : { ...endpoint, via: socket };
        }),
      })),
    );
  }

  close(): void {
    for (const proxied of this.#services.values()) this.#addresses.release(proxied.address);
    this.#services.clear();
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
