/**
 * Child processes of the control-plane harness: started with their output in a log file, killed for sure.
 *
 * Three layers make sure no etcd or kube-apiserver outlives the test that started it: `stop()` in `after`, an
 * `exit` hook for a test process that ends without calling it, and a detached shell watchdog that kills the
 * recorded pids and removes the temp dir once the test process is gone, even after SIGKILL (when no hook runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** A started child whose stdout and stderr go to `logPath`. */
export interface LoggedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  /** Resolves when the child has exited (whatever the reason). */
  readonly exited: Promise<void>;
  /** Whether the child has exited. */
  hasExited(): boolean;
}

/** Starts `command` with its output appended to `logPath`. */
export function startLogged(name: string, command: string, args: readonly string[], logPath: string): LoggedProcess {
  const fd = openSync(logPath, 'a');
  let exited = false;
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  // A test file that forgets stop() must still end: the exit hook (or the watchdog) then kills the child.
  child.unref();
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    // A spawn failure (ENOENT, EACCES) emits 'error' and never 'exit'.
    child.once('error', (error) => {
      appendFileSync(logPath, `\n[harness] could not start ${command}: ${error.message}\n`);
      exited = true;
      resolve();
    });
  });
  return { name, child, logPath, exited: exitedPromise, hasExited: () => exited };
}

/** Kills the process with SIGKILL (the harness throws its data away, so there is nothing to shut down gracefully). */
export async function killHard(proc: LoggedProcess): Promise<void> {
  if (!proc.hasExited()) proc.child.kill('SIGKILL');
  await proc.exited;
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(logPath: string, lines = 30): string {
  try {
    return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const cleanups = new Set<() => void>();
let exitHookInstalled = false;

/**
 * Runs `cleanup` (synchronously) if the test process exits before it is unregistered. Returns the unregister function.
 */
export function onProcessExit(cleanup: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const run of cleanups) run();
    });
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Shell watchdog: waits for the test process to disappear, then kills every pid listed in `pids` and removes `dir`. */
const WATCHDOG_SCRIPT = `
parent="$1"; dir="$2"
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
[ -f "$dir/pids" ] && kill -9 $(cat "$dir/pids") 2>/dev/null
rm -rf "$dir"
`;

/** A watchdog guarding one temp dir and the pids recorded in it. */
export interface Watchdog {
  /** Records a pid to kill if the test process dies. */
  guard(pid: number | undefined): void;
  /** Stops the watchdog (after the guarded processes were stopped the normal way). */
  dismiss(): void;
}

/** Starts a detached watchdog for `dir` (see {@link WATCHDOG_SCRIPT}). */
export function startWatchdog(dir: string): Watchdog {
  const pidsFile = join(dir, 'pids');
  appendFileSync(pidsFile, '');
  const watchdog = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'kubeoidc-watchdog', String(process.pid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  return {
    guard(pid) {
      if (pid !== undefined) appendFileSync(pidsFile, `${pid}\n`);
    },
    dismiss() {
      if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
    },
  };
}

/** Removes a directory tree, ignoring one that is already gone. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
