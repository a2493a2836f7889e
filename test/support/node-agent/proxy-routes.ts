/**
 * The table the agent hands its data-plane process (`proxy-main.ts`): for each Service address and port, the ready
 * endpoints, and for each endpoint on this node the unix socket of its pod sandbox (`sandbox-main.ts`: write `PORT\n`,
 * an empty line back means connected). Written as one JSON file, replaced atomically when it changes.
 */
import { renameSync, writeFileSync } from 'node:fs';

/** Where a connection to a Service port may go. */
export interface RouteEndpoint {
  readonly ip: string;
  readonly port: number;
  /** The pod sandbox's `in.sock`, for a pod of this node; absent: dial `ip:port` on the host (the API server). */
  readonly via?: string;
}

/** One Service port on its loopback address. */
export interface Route {
  readonly address: string;
  readonly port: number;
  readonly endpoints: readonly RouteEndpoint[];
}

/** Writes `routes` to `path` (atomically: readers see the old or the new table, never half of one). */
export function writeRoutes(path: string, routes: readonly Route[]): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(routes));
  renameSync(`${path}.tmp`, path);
}
