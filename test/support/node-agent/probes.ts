/**
 * Readiness and liveness probes as the kubelet runs them: httpGet (a status from 200 to 399 passes), tcpSocket (a
 * connection passes) and exec (exit code 0 passes), each with `timeoutSeconds`, every `periodSeconds` after
 * `initialDelaySeconds`, flipping after `successThreshold` / `failureThreshold` results in a row.
 */
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** How a probe reaches the container. */
export interface ProbeTarget {
  /** A connection to a port of the pod (see `PodSandbox.dial`). */
  dial(port: number): Promise<Socket>;
  /** Runs a command in the container; resolves its exit code. */
  exec(argv: readonly string[], timeoutMs: number): Promise<number>;
  readonly podIP: string;
}

/** A port number, or the number of the container port with that name. */
export function portNumber(container: V1Container, port: number | string): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = container.ports?.find((p) => p.name === port);
  if (named === undefined) throw new Error(`container ${container.name} has no port named ${port}`);
  return named.containerPort;
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`probe timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** The status code of a GET over `socket` (HTTP/1.1, Connection: close). */
function httpStatus(socket: Socket, host: string, path: string, headers: readonly { name: string; value: string }[]) {
  return new Promise<number>((resolve, reject) => {
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const line = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (line !== null) {
        resolve(Number(line[1]));
        socket.destroy();
      } else if (text.includes('\r\n') || text.length > 4096) {
        reject(new Error('not an HTTP response'));
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      reject(new Error('connection closed before a status line'));
    });
    const extra = headers.map((h) => `${h.name}: ${h.value}\r\n`).join('');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: kube-probe/1.20\r\nAccept: */*\r\n${extra}Connection: close\r\n\r\n`,
    );
    socket.resume();
  });
}

/** One probe run: whether it passed. */
export async function probeOnce(probe: V1Probe, container: V1Container, target: ProbeTarget): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  const sockets: Socket[] = [];
  let finished = false;
  // A connection that arrives after the timeout is closed at once.
  const dial = async (port: number): Promise<Socket> => {
    const socket = await target.dial(port);
    sockets.push(socket);
    if (finished) socket.destroy();
    return socket;
  };
  const abort = (): void => {
    finished = true;
    for (const socket of sockets) socket.destroy();
  };
  try {
    if (probe.httpGet !== undefined) {
      const { httpGet } = probe;
      const port = portNumber(container, httpGet.port);
      const status = await withTimeout(
        (async () => {
          let socket = await dial(port);
          if (httpGet.scheme === 'HTTPS') {
            socket = tlsConnect({ socket, rejectUnauthorized: false, servername: httpGet.host ?? 'localhost' });
            sockets.push(socket);
          }
          const host = `${httpGet.host ?? target.podIP}:${port}`;
          return httpStatus(socket, host, httpGet.path ?? '/', httpGet.httpHeaders ?? []);
        })(),
        timeoutMs,
        abort,
      );
      return status >= 200 && status < 400;
    }
    if (probe.tcpSocket !== undefined) {
      await withTimeout(dial(portNumber(container, probe.tcpSocket.port)), timeoutMs, abort);
      return true;
    }
    // Raw API JSON: the field is `exec` (client-node's model class renames it `_exec`).
    const exec = (probe as { exec?: { command?: string[] } }).exec;
    if (exec !== undefined) return (await target.exec(exec.command ?? [], timeoutMs)) === 0;
    throw new Error('probe has no handler');
  } catch {
    return false;
  } finally {
    abort();
  }
}

/** Runs one probe on its schedule and reports each flip of its verdict. */
export class ProbeLoop {
  #timer: NodeJS.Timeout | undefined;
  #successes = 0;
  #failures = 0;
  #passing: boolean;
  #stopped = false;

  /** `initial` is the verdict before the first flip (readiness starts failing, liveness passing). */
  constructor(
    probe: V1Probe,
    container: V1Container,
    target: ProbeTarget,
    initial: boolean,
    onChange: (passing: boolean) => void,
  ) {
    this.#passing = initial;
    const period = (probe.periodSeconds ?? 10) * 1000;
    const tick = async (): Promise<void> => {
      const ok = await probeOnce(probe, container, target);
      if (this.#stopped) return;
      if (ok) {
        this.#successes++;
        this.#failures = 0;
      } else {
        this.#failures++;
        this.#successes = 0;
      }
      const flip = this.#passing
        ? this.#failures >= (probe.failureThreshold ?? 3)
        : this.#successes >= (probe.successThreshold ?? 1);
      if (flip) {
        this.#passing = !this.#passing;
        onChange(this.#passing);
      }
      this.#timer = setTimeout(() => void tick(), period);
    };
    this.#timer = setTimeout(() => void tick(), (probe.initialDelaySeconds ?? 0) * 1000);
  }

  get passing(): boolean {
    return this.#passing;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
