import { BlockList, isIP } from 'node:net';

/**
 * Where the provider may send requests on a client's behalf (`jwks_uri`, `backchannel_logout_uri`): the outbound
 * policy against server-side request forgery. Clients choose these URLs — through dynamic registration or an
 * OIDCClient — and the provider fetches or POSTs them from inside its pod, where loopback (a sidecar's admin port),
 * link-local (cloud metadata at 169.254.169.254), private, carrier-grade NAT and cluster-internal addresses are
 * reachable that the client's author should never reach. So by default every such address is refused, checked on the
 * address actually connected to (`connect.ts` resolves the name and checks every answer), not only on the name. An
 * operator opens exceptions with `outbound.allow`: CIDR ranges (`10.1.2.0/24`, `::1/128`), single addresses, or host
 * names (exact match; a listed name may resolve to any address).
 */

/** Ranges never connected to unless allowed: "this network", private, CGNAT, loopback, link-local, reserved, multicast. */
const deniedV4: readonly [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
/** IPv6: unspecified, loopback, discard, unique-local (ULA), link-local, site-local (deprecated), multicast. */
const deniedV6: readonly [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

/** Host names that always mean "inside": loopback and cluster DNS (`svc`, `cluster.local`) or a single label. */
function isInternalName(host: string): boolean {
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    !host.includes('.') ||
    /\.(svc|cluster\.local|local|internal|localdomain|home\.arpa)$/.test(host)
  );
}

/** The IPv4 address an IPv6 address embeds by translation (mapped, NAT64, 6to4), if any. */
function embeddedV4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  const parts = hex ?? sixToFour;
  if (!parts) return undefined;
  const high = Number.parseInt(parts[1], 16);
  const low = Number.parseInt(parts[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Why an `outbound.allow` entry is not a CIDR, an address or a host name, or undefined. */
export function allowEntryProblem(entry: string): string | undefined {
  const parts = entry.split('/');
  if (parts.length > 2) return 'must be a CIDR range, an IP address or a host name';
  const [address, prefix] = parts as [string, string | undefined];
  const family = isIP(address);
  if (prefix !== undefined) {
    const bits = Number(prefix);
    if (family === 0 || !/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
      return 'must be a CIDR range like 10.0.0.0/8 or fd00::/8';
    }
    return undefined;
  }
  if (family !== 0) return undefined;
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(address)
    ? undefined
    : 'must be a CIDR range, an IP address or a host name';
}

export class OutboundPolicy {
  readonly #denied = new BlockList();
  readonly #allowed = new BlockList();
  readonly #allowedHosts: ReadonlySet<string>;

  /** `allow`: validated `outbound.allow` entries (see {@link allowEntryProblem}). */
  constructor(allow: readonly string[] = []) {
    for (const [network, prefix] of deniedV4) this.#denied.addSubnet(network, prefix, 'ipv4');
    for (const [network, prefix] of deniedV6) this.#denied.addSubnet(network, prefix, 'ipv6');
    const hosts = new Set<string>();
    for (const entry of allow) {
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const family = isIP(address);
      if (family === 0) hosts.add(address.toLowerCase());
      else
        this.#allowed.addSubnet(address, Number(prefix ?? (family === 4 ? 32 : 128)), family === 4 ? 'ipv4' : 'ipv6');
    }
    this.#allowedHosts = hosts;
  }

  /** Whether a host name was allowed by name (its addresses are then not checked). */
  allowsHostByName(hostname: string): boolean {
    return this.#allowedHosts.has(bare(hostname).toLowerCase());
  }

  /**
   * Why a URL's host is refused before anything is resolved — an address literal in a denied range, or an internal
   * name — or undefined. Registration uses it to reject such URIs early; connecting checks again on resolved addresses.
   */
  hostProblem(hostname: string): string | undefined {
    const host = bare(hostname).toLowerCase();
    if (this.#allowedHosts.has(host)) return undefined;
    if (isIP(host) !== 0) return this.addressProblem(host);
    return isInternalName(host) ? `${host} is an internal host name` : undefined;
  }

  /** Why connecting to a resolved address is refused, or undefined when it is a public address or allowed. */
  addressProblem(address: string): string | undefined {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.#allowed.check(address, type)) return undefined;
    const v4 = family === 6 ? embeddedV4(address) : undefined;
    if (v4 !== undefined) return this.addressProblem(v4);
    return this.#denied.check(address, type)
      ? `${address} is a loopback, private, link-local or otherwise internal address`
      : undefined;
  }
}

function bare(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '');
}
