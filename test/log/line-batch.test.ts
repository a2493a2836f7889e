import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineBatch, type BatchTarget } from '../../provider/log/line-batch.ts';

/**
 * The batch in front of the log destination (provider/log/line-batch.ts): lines reach the target in order, in one
 * write once the threshold is reached, after the interval when fewer wait, and at once on `flush`/`flushSync`.
 * (test/log/logger-destination.test.ts checks the same through real processes and pipes, exit included.)
 */
function target(): BatchTarget & { writes: string[]; syncs: number } {
  const writes: string[] = [];
  const t = {
    writes,
    syncs: 0,
    write: (data: string) => writes.push(data) > 0,
    flush: (callback: (error?: Error) => void) => {
      callback();
    },
    flushSync: () => {
      t.syncs += 1;
    },
  };
  return t;
}

describe('log line batch', () => {
  it('hands the lines on in one write once the threshold is reached, in order', () => {
    const t = target();
    const batch = new LineBatch(t, { minLength: 30, intervalMs: 60_000 });
    batch.write('line one 0123456789\n');
    assert.deepEqual(t.writes, []);
    batch.write('line two 0123456789\n');
    assert.deepEqual(t.writes, ['line one 0123456789\nline two 0123456789\n']);
    batch.write('three\n');
    assert.equal(t.writes.length, 1);
  });

  it('hands a quiet logger’s lines on after the interval', async () => {
    const t = target();
    const batch = new LineBatch(t, { minLength: 4096, intervalMs: 20 });
    batch.write('quiet\n');
    const deadline = Date.now() + 5000;
    while (t.writes.length === 0 && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 10));
    assert.deepEqual(t.writes, ['quiet\n']);
  });

  it('hands everything on at flush and flushSync', async () => {
    const t = target();
    const batch = new LineBatch(t, { minLength: 4096, intervalMs: 60_000 });
    batch.write('a\n');
    await new Promise<void>((resolve) => {
      batch.flush(() => {
        resolve();
      });
    });
    assert.deepEqual(t.writes, ['a\n']);
    batch.write('b\n');
    batch.flushSync();
    assert.deepEqual(t.writes, ['a\n', 'b\n']);
    assert.equal(t.syncs, 1);
    batch.flushSync();
    assert.deepEqual(t.writes, ['a\n', 'b\n'], 'nothing written twice, no empty write');
  });
});
