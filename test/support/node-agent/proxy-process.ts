/**
 * Starts the node's data-plane process (`proxy-main.ts`) and feeds it the routing table: the agent decides where
 * connections go, that process carries them, so the agent's own work never delays a byte between pods.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { logTail } from '../processes.ts';
import { writeRoutes, type Route } from './proxy-routes.ts';
import type { Supervisor } from './supervisor.ts';

const PROXY_MAIN = join(import.meta.dirname, 'proxy-main.ts');

/** The running data plane. */
export interface DataPlane {
  /** Where pod sandboxes send their connections to Services. */
  readonly outSocket: string;
  /** Replaces the routing table (written only when it changed; the process applies it within about 100 ms). */
  route(routes: readonly Route[]): void;
  stop(): Promise<void>;
}

/** Starts the data plane with its files in `dir`; resolves once pods can connect to `out.sock`. */
export async function startDataPlane(supervisor: Supervisor, dir: string): Promise<DataPlane> {
  const routesFile = join(dir, 'routes.json');
  const outSocket = join(dir, 'out.sock');
  const logPath = join(dir, 'proxy.log');
  writeRoutes(routesFile, []);
  const proc = supervisor.start(process.execPath, [PROXY_MAIN, routesFile, outSocket], {
    logPath,
    env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  while (!existsSync(outSocket)) {
    if (proc.hasExited()) throw new Error(`the node's proxy exited at start; ${logPath}:\n${logTail(logPath)}`);
    await sleep(50);
  }
  let written = JSON.stringify([]);
  return {
    outSocket,
    route(routes) {
      const text = JSON.stringify(routes);
      if (text === written) return;
      writeRoutes(routesFile, routes);
      written = text;
    },
    async stop() {
      proc.child.kill('SIGKILL');
      await proc.exited;
    },
  };
}
