/**
 * The Docker-links-style variables the kubelet gives every container for each Service of its namespace (unless the
 * pod sets `enableServiceLinks: false`): `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT[_<PORTNAME>]`, `<NAME>_PORT` and
 * `<NAME>_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]`, NAME being the Service name upper-cased with `-` as `_`. A real
 * cluster sets them, so a program that reads a variable with such a name meets them here too.
 */

/** A Service port as the variables name it. */
export interface LinkedPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol?: string;
}

/** The variables for one Service reachable at `host`. */
export function serviceLinkEnv(service: string, host: string, ports: readonly LinkedPort[]): Record<string, string> {
  const name = service.toUpperCase().replaceAll('-', '_');
  const env: Record<string, string> = {};
  if (ports.length === 0) return env;
  const first = ports[0];
  env[`${name}_SERVICE_HOST`] = host;
  env[`${name}_SERVICE_PORT`] = String(first.port);
  const protocolOf = (port: LinkedPort): string => (port.protocol ?? 'TCP').toLowerCase();
  env[`${name}_PORT`] = `${protocolOf(first)}://${host}:${first.port}`;
  for (const port of ports) {
    if (port.name !== undefined && port.name !== '') {
      env[`${name}_SERVICE_PORT_${port.name.toUpperCase().replaceAll('-', '_')}`] = String(port.port);
    }
    const protocol = protocolOf(port);
    const prefix = `${name}_PORT_${port.port}_${protocol.toUpperCase()}`;
    env[prefix] = `${protocol}://${host}:${port.port}`;
    env[`${prefix}_PROTO`] = protocol;
    env[`${prefix}_PORT`] = String(port.port);
    env[`${prefix}_ADDR`] = host;
  }
  return env;
}
