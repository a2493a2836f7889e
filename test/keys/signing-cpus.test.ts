import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cgroupCpuQuota, cpuBudget } from '../../provider/keys/signing-cpus.ts';

/**
 * The CPU budget of a process, which decides whether signatures run on the event loop (one CPU or less) or in the
 * thread pool: the machine's CPUs bounded by the cgroup CPU quota (a Kubernetes CPU limit), v2 and v1.
 */

const files =
  (entries: Record<string, string>) =>
  (path: string): string | undefined =>
    entries[path];

describe('usable CPUs', () => {
  it('reads a cgroup v2 quota (cpu.max) as quota ÷ period', () => {
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '100000 100000' })), 1);
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '50000 100000' })), 0.5);
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '250000 100000' })), 2.5);
  });

  it('an unlimited or unreadable quota is no bound', () => {
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'max 100000' })), undefined);
    assert.equal(cgroupCpuQuota(files({})), undefined);
    assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'garbage' })), undefined);
  });

  it('reads a cgroup v1 quota (cfs_quota_us ÷ cfs_period_us; -1 is unlimited)', () => {
    const v1 = (quota: string) =>
      files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': quota, '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' });
    assert.equal(cgroupCpuQuota(v1('200000')), 2);
    assert.equal(cgroupCpuQuota(v1('-1')), undefined);
  });

  it("finds the process's own group from /proc/self/cgroup (a host without a cgroup namespace)", () => {
    const v1 = files({
      '/proc/self/cgroup': '4:memory:/x\n1:cpu,cpuacct:/kubepods/pod1/c1\n0::/',
      '/sys/fs/cgroup/cpu/kubepods/pod1/c1/cpu.cfs_quota_us': '100000',
      '/sys/fs/cgroup/cpu/kubepods/pod1/c1/cpu.cfs_period_us': '100000',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000',
    });
    assert.equal(cgroupCpuQuota(v1), 1);
    const v2 = files({
      '/proc/self/cgroup': '0::/kubepods.slice/pod2',
      '/sys/fs/cgroup/kubepods.slice/pod2/cpu.max': '200000 100000',
    });
    assert.equal(cgroupCpuQuota(v2), 2);
  });

  it("is the machine's CPUs bounded by the quota", () => {
    assert.equal(cpuBudget(32, 1), 1, 'a pod limited to one CPU on a 32-core node');
    assert.equal(cpuBudget(32, 0.5), 0.5);
    assert.equal(cpuBudget(1, undefined), 1, 'a one-CPU machine');
    assert.equal(cpuBudget(4, 8), 4);
    assert.equal(cpuBudget(4, undefined), 4);
  });
});
