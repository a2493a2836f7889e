/**
 * CPU time of a process by thread group, read from Linux's `/proc/<pid>/task/<tid>/stat`: the main thread (Node's
 * event loop), V8's workers (`V8Worker`: concurrent and parallel GC, the optimizing compilers), libuv's pool
 * (`libuv-worker`: signatures, password hashes, file I/O) and anything else. On a server pinned to one core these
 * threads share it, so a request's cost is their sum; `bench/profile.ts` reports each per answer.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** One thread's name and its user + system CPU seconds. */
export interface TaskCpu {
  name: string;
  seconds: number;
}

/**
 * Parses one `stat` line. The name (field 2) is in parentheses and may itself hold spaces and parentheses, so the
 * fields are counted from its last `)`: utime and stime are fields 14 and 15, in clock ticks.
 */
export function parseTaskStat(line: string, ticksPerSecond: number): TaskCpu {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc stat line: ${line.slice(0, 80)}`);
  const fields = line.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`no CPU times in: ${line.slice(0, 80)}`);
  return { name: line.slice(open + 1, close), seconds: (utime + stime) / ticksPerSecond };
}

/** The group a thread is reported under: `main`, or its name without a trailing number (`V8Worker`, `libuv-worker`). */
export function threadGroup(name: string, isMain: boolean): string {
  return isMain ? 'main' : name.replace(/[\s\d]+$/, '') || name;
}

let ticks: number | undefined;
/** The kernel's clock ticks per second (`getconf CLK_TCK`). */
function ticksPerSecond(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticks;
}

/** CPU seconds per thread group of a running process (threads that ended meanwhile are not counted). */
export function readThreadCpu(pid: number): Map<string, number> {
  const groups = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${String(pid)}/task`)) {
    let line: string;
    try {
      line = readFileSync(`/proc/${String(pid)}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const { name, seconds } = parseTaskStat(line, ticksPerSecond());
    const group = threadGroup(name, tid === String(pid));
    groups.set(group, (groups.get(group) ?? 0) + seconds);
  }
  return groups;
}

/** CPU seconds of a whole process (all its threads, including those that ended). */
export function readProcessCpu(pid: number): number {
  return parseTaskStat(readFileSync(`/proc/${String(pid)}/stat`, 'utf8'), ticksPerSecond()).seconds;
}

/** The difference `after - before` per group, in microseconds per unit (groups that used no CPU are left out). */
export function perUnitMicros(before: Map<string, number>, after: Map<string, number>, units: number) {
  const result = new Map<string, number>();
  for (const [group, seconds] of after) {
    const used = seconds - (before.get(group) ?? 0);
    if (used > 0 && units > 0) result.set(group, Math.round((used * 1e6) / units));
  }
  return result;
}
