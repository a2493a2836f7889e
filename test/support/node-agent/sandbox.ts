/**
 * A pod's network: a sandbox process in a network namespace of its own (see `sandbox-main.ts`), a listener on the
 * pod's loopback address for each declared container port, and {@link PodSandbox.dial} to reach any port of the pod.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { logTail } from '../processes.ts';
import { readHeader, splice } from './stream-header.ts';
import type { SupervisedProcess, Supervisor } from './supervisor.ts';

const SANDBOX_MAIN = join(import.meta.dirname, 'sandbox-main.ts');

/** A Service address and port that pods reach through the sandbox. */
export interface ServicePort {
  readonly address: string;
  readonly port: number;
}

/** A running pod sandbox. */
export interface PodSandbox {
  readonly podIP: string;
  /** pid of the sandbox process, whose network namespace the containers join. */
  readonly pid: number;
  /** The unix socket that leads into the pod (write `PORT\n`; an empty line back means connected). */
  readonly inSocket: string;
  /** A connection to `port` inside the pod; rejects when the pod refuses it. */
  dial(port: number): Promise<Socket>;
  /** Tells the sandbox which Service addresses to serve inside the pod. */
  setServices(services: readonly ServicePort[]): void;
  /**
   * Listens on `podIP:port` on the host for each port not yet exposed, forwarding into the pod. Rejects naming the
   * first port it cannot listen on (then the pod must not run: something else would answer on its address).
   */
  exposePorts(ports: readonly number[]): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the sandbox of the pod whose directory is `podDir`; resolves once it accepts connections. */
export async function startSandbox(
  supervisor: Supervisor,
  podDir: string,
  podIP: string,
  outSocket: string,
): Promise<PodSandbox> {
  const logPath = join(podDir, 'sandbox.log');
  const proc: SupervisedProcess = supervisor.start(
    'unshare',
    [
      '--net',
      '--',
      'sh',
      '-c',
      'ip link set lo up && exec "$@"',
      'sandbox',
      process.execPath,
      SANDBOX_MAIN,
      podDir,
      podIP,
      outSocket,
    ],
    { logPath, env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin' } },
  );
  const inSocket = join(podDir, 'in.sock');
  while (!existsSync(inSocket)) {
    if (proc.hasExited()) throw new Error(`pod sandbox exited at start; ${logPath}:\n${logTail(logPath)}`);
    await sleep(50);
  }
  const listeners = new Map<number, Server>();
  const dial = async (port: number): Promise<Socket> => {
    const socket = connect(inSocket);
    socket.write(`${port}\n`);
    try {
      await readHeader(socket);
    } catch {
      throw new Error(`connection to ${podIP}:${port} refused`);
    }
    socket.on('error', () => undefined); // until the caller attaches its own
    return socket;
  };
  return {
    podIP,
    pid: proc.pid,
    inSocket,
    dial,
    setServices(services) {
      const path = join(podDir, 'services.json');
      writeFileSync(`${path}.tmp`, JSON.stringify(services));
      renameSync(`${path}.tmp`, path);
    },
    async exposePorts(ports) {
      const pending = ports.filter((port) => !listeners.has(port));
      await Promise.all(
        pending.map(async (port) => {
          const server = createServer((socket) => {
            dial(port).then(
              (inside) => {
                splice(socket, inside);
              },
              () => socket.destroy(),
            );
          });
          listeners.set(port, server);
          try {
            await new Promise<void>((resolve, reject) => {
              server.once('error', reject);
              server.listen(port, podIP, () => {
                server.off('error', reject);
                resolve();
              });
            });
          } catch (error) {
            // Not exposed: the next call tries again (e.g. once another process let go of the port).
            listeners.delete(port);
            const code = (error as NodeJS.ErrnoException).code ?? String(error);
            throw new Error(
              `cannot listen on ${podIP}:${port} (${code}${code === 'EADDRINUSE' ? ': a process on this machine holds the port, perhaps on every address' : ''})`,
            );
          }
        }),
      );
    },
    async stop() {
      for (const server of listeners.values()) server.close();
      proc.child.kill('SIGKILL');
      await proc.exited;
    },
  };
}
