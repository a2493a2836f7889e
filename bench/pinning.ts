/**
 * CPU pinning (Linux `taskset`): the server and its Redis on one core, the load generator on another, so the load
 * generator never competes with what it measures. Off when the machine has fewer than 2 cores, when `taskset` is
 * missing, or with BENCH_PIN=0; the results say which.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((path) => existsSync(path));

/** The cores used, or undefined when not pinning. */
export function pinningPlan(env: NodeJS.ProcessEnv): { load: number; server: number } | undefined {
  if (env.BENCH_PIN === '0' || taskset === undefined || availableParallelism() < 2) return undefined;
  return { load: 0, server: 1 };
}

/** Pins every thread of a running process to one core. */
export async function pinPid(pid: number, core: number): Promise<void> {
  if (taskset === undefined) return;
  await run(taskset, ['-a', '-cp', String(core), String(pid)]);
}

/** argv prefixed so the new process starts on `core` (unchanged when `core` is undefined). */
export function pinnedCommand(argv: readonly string[], core: number | undefined): string[] {
  return core === undefined || taskset === undefined ? [...argv] : [taskset, '-c', String(core), ...argv];
}
