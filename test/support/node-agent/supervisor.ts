/**
 * Every process the node agent starts goes through here, so none outlives the test process:
 * - each is started under `setpriv --pdeathsig KILL`, so the kernel kills it the moment the test process dies, even by
 *   SIGKILL (container processes add `unshare --kill-child`, and a pid namespace takes their children along);
 * - a detached watchdog (`processes.ts`) also kills the recorded pids and removes the agent's directory once the test
 *   process is gone;
 * - an `exit` hook kills them when the test process ends without calling `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { onProcessExit, startWatchdog, type Watchdog } from '../processes.ts';

/** How a supervised process ended. */
export interface ExitStatus {
  /** Exit code, or 128 + signal number when killed by a signal (as container runtimes report it). */
  readonly code: number;
  readonly signal: NodeJS.Signals | null;
}

/** A process started by the {@link Supervisor}. */
export interface SupervisedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves once the process has exited. */
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
}

/** Options of {@link Supervisor.start}. */
export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here. */
  readonly logPath: string;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 };

/** Starts and tracks the agent's processes. */
export class Supervisor {
  readonly #watchdog: Watchdog;
  readonly #running = new Set<SupervisedProcess>();
  /** Container init processes (see {@link adopt}), by the supervised process they run under. */
  readonly #adopted = new Map<SupervisedProcess, number>();
  readonly #unregister: () => void;
  #stopped = false;

  /** `dir` is removed by the watchdog when the test process dies. */
  constructor(dir: string) {
    this.#watchdog = startWatchdog(dir);
    this.#unregister = onProcessExit(() => {
      this.killAll();
    });
  }

  /** Starts `command` under `setpriv --pdeathsig KILL`. */
  start(command: string, args: readonly string[], options: StartOptions): SupervisedProcess {
    // A pod sync still running when the agent stops must not start anything that nobody would stop.
    if (this.#stopped) throw new Error('the node agent is stopping');
    const fd = openSync(options.logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', command, ...args], {
        stdio: ['ignore', fd, fd],
        env: options.env ?? {},
      });
    } finally {
      closeSync(fd);
    }
    let done = false;
    const exited = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => {
        done = true;
        resolve({ code: code ?? 128 + (signal === null ? 0 : (SIGNAL_NUMBERS[signal] ?? 0)), signal });
      });
      child.once('error', (error) => {
        appendFileSync(options.logPath, `\n[node-agent] could not start ${command}: ${error.message}\n`);
        done = true;
        resolve({ code: 127, signal: null });
      });
    });
    const proc: SupervisedProcess = { child, pid: child.pid ?? -1, exited, hasExited: () => done };
    this.#running.add(proc);
    this.#watchdog.guard(child.pid);
    void exited.then(() => {
      this.#running.delete(proc);
      this.#adopted.delete(proc);
    });
    return proc;
  }

  /**
   * Also kills `pid` with `owner`, on every path that kills `owner`. For a container's init (pid 1 of its pid
   * namespace): the kernel drops a process's parent-death signal when it changes its user ids, so a container that
   * runs as non-root would outlive its `unshare` (and keep its ports) unless killed itself; killing it takes its
   * whole pid namespace along.
   */
  adopt(owner: SupervisedProcess, pid: number): void {
    if (owner.hasExited()) return;
    this.#adopted.set(owner, pid);
    this.#watchdog.guard(pid);
  }

  /** SIGKILLs a supervised process and the init it was adopted for. */
  kill(proc: SupervisedProcess): void {
    const init = this.#adopted.get(proc);
    if (init !== undefined && !proc.hasExited()) {
      try {
        process.kill(init, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (!proc.hasExited()) proc.child.kill('SIGKILL');
  }

  /** SIGKILLs every running process now (their pid namespaces take their children along). */
  killAll(): void {
    for (const proc of this.#running) this.kill(proc);
  }

  /** Kills everything, waits for the exits and dismisses the watchdog. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const all = [...this.#running];
    this.killAll();
    await Promise.all(all.map((proc) => proc.exited));
    this.#watchdog.dismiss();
    this.#unregister();
  }
}
