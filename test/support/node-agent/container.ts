/**
 * One run of one container: its process tree in fresh mount and pid namespaces inside the pod's network namespace
 * (see `container-script.ts`), its output in a log file, and a graceful stop (SIGTERM to the container's main
 * process, then SIGKILL after the grace period).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { containerScript, type ContainerLaunch } from './container-script.ts';
import { resolveInRoot } from './root-paths.ts';
import type { ExitStatus, SupervisedProcess, Supervisor } from './supervisor.ts';

/** A started container process. */
export interface ContainerRun {
  readonly logPath: string;
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  /** The host pid of the container's main process (pid 1 in its namespace), once it runs. */
  mainPid(): number | undefined;
  /** SIGTERM to the main process, SIGKILL after `graceSeconds`; resolves with the exit. */
  stop(graceSeconds: number): Promise<ExitStatus>;
}

/** Starts the container described by `launch` in the network namespace of process `netnsPid`. */
export function startContainer(
  supervisor: Supervisor,
  launch: ContainerLaunch,
  netnsPid: number,
  env: Readonly<Record<string, string>>,
  logPath: string,
): ContainerRun {
  mkdirSync(launch.runDir, { recursive: true });
  const script = join(launch.runDir, 'start.sh');
  const inRoot = {
    ...launch,
    mounts: launch.mounts.map((mount) => ({ ...mount, target: resolveInRoot(mount.target) })),
    workingDir: resolveInRoot(launch.workingDir),
  };
  writeFileSync(script, containerScript(inRoot), { mode: 0o700 });
  const proc: SupervisedProcess = supervisor.start(
    'nsenter',
    [
      `--net=/proc/${netnsPid}/ns/net`,
      '--',
      'unshare',
      '--mount',
      '--pid',
      '--fork',
      '--kill-child=KILL',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      script,
    ],
    { env, logPath },
  );
  const mainPid = (): number | undefined => {
    try {
      const children = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim();
      const pid = Number(children.split(' ')[0]);
      return children === '' || !Number.isInteger(pid) ? undefined : pid;
    } catch {
      return undefined;
    }
  };
  // The init of the container's pid namespace, killed with `unshare` on every path (supervisor.ts `adopt`). unshare
  // forks it at once; look until it shows (or the run is over).
  const adoptInit = (tries: number): void => {
    const pid = mainPid();
    if (pid !== undefined) supervisor.adopt(proc, pid);
    else if (tries > 0 && !proc.hasExited()) setTimeout(adoptInit, 10, tries - 1).unref();
  };
  adoptInit(500);
  let stopping: Promise<ExitStatus> | undefined;
  return {
    logPath,
    exited: proc.exited,
    hasExited: () => proc.hasExited(),
    mainPid,
    stop(graceSeconds) {
      stopping ??= (async () => {
        if (proc.hasExited()) return proc.exited;
        const pid = mainPid();
        if (pid !== undefined && graceSeconds > 0) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            // already gone
          }
          await Promise.race([proc.exited, sleep(graceSeconds * 1000)]);
        }
        // The namespace's init first: `--kill-child` does not reach it once it changed user (supervisor.ts `adopt`).
        if (!proc.hasExited()) {
          const init = mainPid();
          if (init !== undefined) supervisor.adopt(proc, init);
          supervisor.kill(proc);
        }
        return proc.exited;
      })();
      return stopping;
    },
  };
}
