/**
 * Shared machinery of the Redis harnesses (`redis.ts`): finding Debian's binaries, one temp dir per topology guarded
 * against leaks, starting `redis-server` processes and waiting until they answer.
 *
 * Leak protection is the control-plane harness's (processes.ts): `stop()` in `after`, an `exit` hook for a test
 * process that ends without calling it, and a detached watchdog that kills the recorded pids even after SIGKILL.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  killHard,
  logTail,
  onProcessExit,
  removeDir,
  startLogged,
  startWatchdog,
  type LoggedProcess,
} from './processes.ts';

/** Absolute path of `name` on PATH, or a clear error telling how to install it. */
export function redisBinary(name: 'redis-server' | 'redis-cli'): string {
  for (const dir of (process.env.PATH ?? '/usr/bin').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  throw new Error(`\`${name}\` was not found on PATH; install it with \`apt-get install redis-server\``);
}

/** Runs `redis-cli -p PORT args…` and resolves its trimmed output, or undefined when it fails or times out. */
export function redisCli(port: number, args: readonly string[], timeoutMs = 2000): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      redisBinary('redis-cli'),
      ['-h', '127.0.0.1', '-p', String(port), ...args],
      { timeout: timeoutMs },
      (error, stdout) => {
        resolve(error ? undefined : stdout.trim());
      },
    );
  });
}

/** Whether 127.0.0.1:port can be bound right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** A temp dir holding the processes of one topology, with its leak protection. */
export class RedisGroup {
  readonly dir: string;
  readonly #processes: LoggedProcess[] = [];
  readonly #watchdog;
  readonly #unregister: () => void;
  #stopping: Promise<void> | undefined;

  constructor(label: string) {
    // Fail with the install hint before anything is started.
    redisBinary('redis-server');
    redisBinary('redis-cli');
    // Redis writes nothing to disk here (`--save ''`), but cluster and sentinel rewrite small config files.
    const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    this.dir = mkdtempSync(join(base, `kubeoidc-${label}-`));
    this.#watchdog = startWatchdog(this.dir);
    this.#unregister = onProcessExit(() => {
      for (const p of this.#processes) if (!p.hasExited()) p.child.kill('SIGKILL');
      removeDir(this.dir);
    });
  }

  /**
   * Starts `redis-server args…` (output in `<dir>/<name>.log`) and waits until it answers PING on `port`. Rejects
   * with the log tail when it exits first (an "Address already in use" in the message lets callers retry).
   */
  async start(name: string, args: readonly string[], port: number, timeoutMs = 10_000): Promise<LoggedProcess> {
    const proc = startLogged(name, redisBinary('redis-server'), args, join(this.dir, `${name}.log`));
    this.#processes.push(proc);
    this.#watchdog.guard(proc.child.pid);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (proc.hasExited()) {
        throw new Error(`${name} exited during start-up; log ${proc.logPath}:\n${logTail(proc.logPath)}`);
      }
      if ((await redisCli(port, ['PING'], 1000)) === 'PONG') return proc;
      if (Date.now() > deadline) {
        throw new Error(`${name} did not answer PING within ${timeoutMs} ms:\n${logTail(proc.logPath)}`);
      }
      await sleep(50);
    }
  }

  /** A fresh sub-directory of the group's dir. */
  subdir(name: string): string {
    const path = join(this.dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  /** Kills one process of the group (SIGKILL: nothing is persisted anyway). */
  async kill(proc: LoggedProcess): Promise<void> {
    await killHard(proc);
  }

  /** Kills every process and removes the dir. Safe to call more than once. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const p of [...this.#processes].reverse()) await killHard(p);
      removeDir(this.dir);
      this.#watchdog.dismiss();
      this.#unregister();
    })();
    return this.#stopping;
  }
}

/** The flags every harness node gets: loopback only, no persistence. */
export function baseArgs(port: number, dir: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
}

/** Whether a start failure is a lost race for the port (worth one retry on fresh ports). */
export function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && /address already in use/i.test(error.message);
}
