import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTaskStat, perUnitMicros, readThreadCpu, threadGroup } from '../../bench/thread-cpu.ts';

/**
 * The profiling harness's reading of /proc: a thread's CPU from its `stat` line (fields counted after the name, which
 * may hold spaces and parentheses), the groups it reports, the per-answer arithmetic, and a real read of this process.
 */
const statLine = (name: string, utime: number, stime: number): string =>
  `4242 (${name}) S 1 4242 4242 0 -1 4194560 2000 0 0 0 ${String(utime)} ${String(stime)} 0 0 20 0 11 0 100 0 0\n`;

describe('bench thread CPU', () => {
  it('reads utime + stime (fields 14 and 15) in seconds, whatever the name holds', () => {
    assert.deepEqual(parseTaskStat(statLine('node', 150, 50), 100), { name: 'node', seconds: 2 });
    assert.deepEqual(parseTaskStat(statLine('we (i) rd) 2', 7, 3), 100), { name: 'we (i) rd) 2', seconds: 0.1 });
    assert.equal(parseTaskStat(statLine('x', 250, 0), 250).seconds, 1);
  });

  it('refuses a line that is not a stat line', () => {
    assert.throws(() => parseTaskStat('no name here', 100), /not a \/proc stat line/);
    assert.throws(() => parseTaskStat('1 (x) S 1', 100), /no CPU times/);
  });

  it("groups threads: the main thread, then V8's and libuv's by name without their number", () => {
    assert.equal(threadGroup('node', true), 'main');
    assert.equal(threadGroup('V8Worker', false), 'V8Worker');
    assert.equal(threadGroup('libuv-worker', false), 'libuv-worker');
    assert.equal(threadGroup('worker 12', false), 'worker');
    assert.equal(threadGroup('42', false), '42');
  });

  it('answers microseconds per unit of what each group used, leaving out groups that used nothing', () => {
    const before = new Map([
      ['main', 1],
      ['V8Worker', 0.5],
      ['idle', 2],
    ]);
    const after = new Map([
      ['main', 1.5],
      ['V8Worker', 0.6],
      ['idle', 2],
      ['libuv-worker', 0.2],
    ]);
    assert.deepEqual(
      perUnitMicros(before, after, 1000),
      new Map([
        ['main', 500],
        ['V8Worker', 100],
        ['libuv-worker', 200],
      ]),
    );
    assert.deepEqual(perUnitMicros(before, after, 0), new Map());
  });

  it("reads this process's threads, the CPU it burns counted on the main thread", () => {
    const before = readThreadCpu(process.pid);
    assert.ok(before.has('main'));
    const start = process.cpuUsage();
    let spin = 0;
    while (process.cpuUsage(start).user < 200_000) spin += Math.sqrt(spin + 1);
    assert.ok(spin > 0);
    const used = (readThreadCpu(process.pid).get('main') ?? 0) - (before.get('main') ?? 0);
    // Clock ticks are 10 ms: 200 ms burnt reads as 0.15–0.5 s (system time and the test runner's own work added).
    assert.ok(used >= 0.15 && used < 0.5, `main thread used ${String(used)} s`);
  });
});
