import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, WorkQueue } from '../../../operator/controller/work-queue.ts';

/** `promise`, or a rejection after `ms` (a hang guard far above the delays under test, not a timing bound). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`nothing within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

describe('WorkQueue', () => {
  it('de-duplicates keys that wait', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    assert.equal(queue.depth, 2);
    assert.equal(await queue.get(), 'a');
    assert.equal(await queue.get(), 'b');
    queue.shutDown();
  });

  it('never hands a key being processed to a second worker, and requeues it when added meanwhile', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    const key = await queue.get();
    queue.add('a');
    assert.equal(queue.depth, 0, 'not queued while processing');
    queue.done(key!);
    assert.equal(queue.depth, 1, 'queued again once done');
    assert.equal(await queue.get(), 'a');
    queue.shutDown();
  });

  it('backs off exponentially per key and resets on forget', async () => {
    const queue = new WorkQueue({ baseDelayMs: 20 });
    const timeOf = async (): Promise<number> => {
      const start = performance.now();
      const key = await queue.get();
      queue.done(key!);
      return performance.now() - start;
    };
    queue.addRateLimited('a');
    const first = await timeOf();
    queue.addRateLimited('a');
    queue.addRateLimited('a'); // already waiting: the earlier timer wins
    const second = await timeOf();
    queue.addRateLimited('a');
    const third = await timeOf();
    assert.equal(queue.retries('a'), 4);
    // Timers never fire early, so lower bounds hold on a loaded machine; the delays themselves are checked exactly
    // on the pure function below, not with wall-clock upper bounds.
    assert.ok(first >= 15, `first retry after ${first} ms`);
    assert.ok(second >= 35, `second retry after ${second} ms`);
    assert.ok(third >= 150, `fourth failure waits 160 ms, took ${third} ms`);
    queue.forget('a');
    assert.equal(queue.retries('a'), 0, 'forget resets the backoff');
    queue.addRateLimited('a');
    assert.equal(queue.retries('a'), 1);
    await timeOf();
    queue.shutDown();
  });

  it('retries a failed reconcile within its backoff although a resync an hour away is pending', async () => {
    const queue = new WorkQueue({ baseDelayMs: 20 });
    // A reconcile succeeded and asked to run again in an hour (the resync of a registered client).
    queue.add('a');
    const first = await queue.get();
    queue.forget(first!);
    queue.addAfter(first!, 3_600_000);
    queue.done(first!);
    // A change arrives; its reconcile fails and is retried with backoff (20 ms), not at the resync.
    queue.add('a');
    const second = await queue.get();
    queue.addRateLimited(second!);
    queue.done(second!);
    assert.equal(await within(queue.get(), 10_000), 'a', 'retried within its backoff');
    queue.shutDown();
  });

  it('lets a shorter requeueAfter replace a longer one, and never the other way round', async () => {
    const queue = new WorkQueue();
    queue.addAfter('a', 3_600_000);
    queue.addAfter('a', 20);
    queue.addAfter('a', 3_600_000); // later than the pending 20 ms: ignored
    assert.equal(await within(queue.get(), 10_000), 'a');
    queue.shutDown();
  });

  it('computes the backoff as base · 2^failures, capped at the maximum', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 10, 30].map((failures) => backoffDelay(failures, 20, 5_000)),
      [20, 40, 80, 160, 5_000, 5_000],
    );
  });

  it('rate-limits retries across keys with a token bucket', async () => {
    const queue = new WorkQueue({ baseDelayMs: 1, qps: 20, burst: 2 });
    const start = performance.now();
    for (const key of ['a', 'b', 'c', 'd']) queue.addRateLimited(key);
    for (let i = 0; i < 4; i++) queue.done((await queue.get())!);
    assert.ok(performance.now() - start >= 90, 'two keys beyond the burst wait 50 ms each');
    queue.shutDown();
  });

  it('wakes waiting workers with undefined on shut down', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    await sleep(5);
    queue.shutDown();
    assert.equal(await waiting, undefined);
  });
});
