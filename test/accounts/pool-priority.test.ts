/**
 * The libuv pool — where password hashes run — reniced below the event loop (`accounts.passwordHashNice`): the threads
 * that actually do the hashing run at the configured nice value (field 19 of /proc/<pid>/task/<tid>/stat, read
 * here, not the module's own view), the event loop keeps its own, and hashing still gives the right answers. A nice
 * value cannot be lowered again by an unprivileged process, so this file (its own process under `node --test`) sets
 * one value, once.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { reniceThreadPool } from '../../provider/accounts/pool-priority.ts';
import { hashPassword, verifyPassword } from '../../provider/accounts/password.ts';

const linux = process.platform === 'linux' && existsSync('/proc/self/task');

interface ThreadSample {
  comm: string;
  nice: number;
  /** utime + stime, clock ticks. */
  cpu: number;
}

function threads(): Map<number, ThreadSample> {
  const all = new Map<number, ThreadSample>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after "(comm)": state is field 3, so field n is index n - 3 (utime 14, stime 15, nice 19).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      all.set(Number(tid), {
        comm: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(),
        nice: Number(fields[19 - 3]),
        cpu: Number(fields[14 - 3]) + Number(fields[15 - 3]),
      });
    } catch {
      // a thread that ended between readdir and read
    }
  }
  return all;
}

/** The nice value the process started with (0 unless the test itself runs under `nice`). */
const startNice = linux ? (threads().get(process.pid)?.nice ?? 0) : 0;
const poolNice = Math.max(7, startNice);

describe('reniceThreadPool', () => {
  it('does nothing at 0 or off Linux, and says why', async () => {
    assert.deepEqual(await reniceThreadPool(0), { applied: false, reason: 'accounts.passwordHashNice is 0' });
    const elsewhere = await reniceThreadPool(7, 'darwin');
    if (elsewhere.applied) assert.fail('applied off Linux');
    assert.match(elsewhere.reason, /Linux/);
    for (const thread of linux ? threads().values() : []) assert.equal(thread.nice, startNice, thread.comm);
  });

  it(
    'runs the threads that hash at the configured nice value, the event loop at its own',
    { skip: !linux },
    async () => {
      const outcome = await reniceThreadPool(7);
      if (!outcome.applied) assert.fail(outcome.reason);
      const before = threads();
      assert.equal(before.get(process.pid)?.nice, startNice, 'the event loop keeps its nice value');
      // The default cost (19 MiB, 2 passes), two at once: enough for the threads doing it to accumulate clock ticks.
      const cost = { m: 19_456, t: 2, p: 1 };
      const hashes = await Promise.all([hashPassword('right', cost), hashPassword('other', cost)]);
      const after = threads();
      const busy = [...after]
        .filter(([tid]) => tid !== process.pid)
        .map(([tid, thread]) => ({ tid, ...thread, used: thread.cpu - (before.get(tid)?.cpu ?? 0) }))
        .sort((a, b) => b.used - a.used);
      const hashers = busy.filter((thread) => thread.used >= 2);
      assert.ok(hashers.length > 0, `no thread but the main one did the hashing: ${JSON.stringify(busy)}`);
      assert.equal(hashers[0]?.comm, 'libuv-worker', JSON.stringify(busy));
      for (const thread of busy.filter((t) => t.comm === 'libuv-worker'))
        assert.equal(thread.nice, poolNice, `tid ${thread.tid}`);
      assert.deepEqual(
        [...outcome.threads].sort((a, b) => a - b),
        busy
          .filter((t) => t.comm === 'libuv-worker')
          .map((t) => t.tid)
          .sort((a, b) => a - b),
      );
      assert.equal(after.get(process.pid)?.nice, startNice);
      assert.equal(await verifyPassword('right', hashes[0]), true);
      assert.equal(await verifyPassword('wrong', hashes[0]), false);
    },
  );

  it('never lowers a value already set higher', { skip: !linux }, async () => {
    await reniceThreadPool(3);
    for (const thread of threads().values()) if (thread.comm === 'libuv-worker') assert.equal(thread.nice, poolNice);
  });
});
