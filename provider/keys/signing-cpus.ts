import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

/**
 * How much CPU this process may use at once, for choosing where signatures run (`sign-jws.ts`): the machine's CPUs
 * bounded by the cgroup CPU quota of the process's own group (a Kubernetes CPU limit: `cpu.max` in cgroup v2,
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us` in v1), which `os.availableParallelism()` does not see — a pod limited to
 * one CPU on a 32-core node reports 32 there. A fractional quota (`500m`) counts as less than one CPU. Read once, at
 * start; an unreadable or absent quota means no bound.
 *
 * The affinity mask (`taskset`, a cpuset) is deliberately not a bound here: a process pinned to one core of a larger
 * machine without a quota of its own may share that core with other busy threads of its cgroup, which the scheduler
 * shares by thread — measured, the inline signer then got a quarter of the pool signer's rate (docs/performance.md).
 * A container with a cpuset (Kubernetes' static CPU manager) has a quota too.
 */

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The process's cgroup directories for the CPU controller, from `/proc/self/cgroup`: v2's unified `0::<path>` and v1's
 * `<n>:…cpu…:<path>`. In a container with its own cgroup namespace (the Kubernetes default) the path is `/`, i.e. the
 * mount's own files; on a host without one it names the process's group below the mount.
 */
function cgroupPaths(read: (path: string) => string | undefined): { v2: string; v1: string } {
  let v2 = '/';
  let v1 = '/';
  for (const line of (read('/proc/self/cgroup') ?? '').split('\n')) {
    const [, controllers = '', path = ''] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (controllers === '') v2 = path || '/';
    else if (controllers.split(',').includes('cpu')) v1 = path || '/';
  }
  return { v2, v1 };
}

/** The CPU quota in CPUs (quota ÷ period), or undefined when unlimited or unknown. */
export function cgroupCpuQuota(read: (path: string) => string | undefined = readText): number | undefined {
  const paths = cgroupPaths(read);
  const under = (mount: string, path: string, file: string) => `${mount}${path === '/' ? '' : path}/${file}`;
  const v2 = read(under('/sys/fs/cgroup', paths.v2, 'cpu.max'));
  if (v2 !== undefined) {
    const [quota, period] = v2.split(/\s+/);
    return quotaOf(quota, period);
  }
  return quotaOf(
    read(under('/sys/fs/cgroup/cpu', paths.v1, 'cpu.cfs_quota_us')),
    read(under('/sys/fs/cgroup/cpu', paths.v1, 'cpu.cfs_period_us')),
  );
}

function quotaOf(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  // `max` (v2) and -1 (v1) mean no limit.
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return undefined;
  return q / p;
}

/** The CPU budget: the machine's CPUs, bounded by the cgroup quota. */
export function cpuBudget(
  machine: number = Math.max(cpus().length, availableParallelism()),
  quota: number | undefined = cgroupCpuQuota(),
): number {
  return quota === undefined ? machine : Math.min(machine, quota);
}
