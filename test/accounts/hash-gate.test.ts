/**
 * The password-hash gate: at most `limit` hashes at once, the rest in arrival order, the place given back on failure;
 * and an account store with concurrency 1 runs one hash at a time however many logins arrive together.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordAccountStore } from '../../provider/accounts/file-store.ts';
import { defaultHashConcurrency, HashGate } from '../../provider/accounts/hash-gate.ts';
import { hashPassword } from '../../provider/accounts/password.ts';

/** A task the test finishes by hand. */
function deferred(): { promise: Promise<string>; resolve: (value: string) => void; reject: (error: Error) => void } {
  let resolve!: (value: string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('HashGate', () => {
  it('runs at most `limit` tasks at once and starts the others in arrival order', async () => {
    const gate = new HashGate(2);
    const tasks = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = tasks.map((task, index) =>
      gate.run(() => {
        started.push(index);
        return task.promise;
      }),
    );
    const outcomes = Promise.allSettled(results);
    await turn();
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(gate.stats, { running: 2, waiting: 2, highWater: 2 });
    tasks[1]?.resolve('b');
    await turn();
    assert.deepEqual(started, [0, 1, 2], 'the first waiting task takes the freed place');
    tasks[0]?.reject(new Error('hash failed'));
    await turn();
    assert.deepEqual(started, [0, 1, 2, 3], 'a failed task gives its place back too');
    tasks[2]?.resolve('c');
    tasks[3]?.resolve('d');
    const settled = await outcomes;
    assert.deepEqual(
      settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error).message)),
      ['hash failed', 'b', 'c', 'd'],
    );
    assert.deepEqual(gate.stats, { running: 0, waiting: 0, highWater: 2 });
  });

  it('refuses a limit that is not a positive integer', () => {
    assert.throws(() => new HashGate(0), /integer ≥ 1, got 0/);
    assert.throws(() => new HashGate(1.5), /integer ≥ 1, got 1.5/);
  });

  it('leaves one core to the event loop by default, and uses at least one', () => {
    assert.equal(defaultHashConcurrency(1), 1);
    assert.equal(defaultHashConcurrency(2), 1);
    assert.equal(defaultHashConcurrency(8), 7);
  });
});

describe('account store with passwordHashConcurrency 1', () => {
  it('verifies one password at a time under a burst of logins, right or wrong', async () => {
    const cost = { N: 2 ** 10, r: 8, p: 1 };
    const records = [{ username: 'ann', password_hash: await hashPassword('ann-pw', cost), sub: 'sub-ann' }];
    const store = await RecordAccountStore.create(
      { records, passwordHashConcurrency: 1, passwordHashCost: { m: 8, t: 1, p: 1 } },
      () => Promise.reject(new Error('no file')),
    );
    const logins = Array.from({ length: 8 }, (_, i) =>
      store.authenticate(i % 3 === 0 ? 'nobody' : 'ann', i % 2 === 0 ? 'ann-pw' : 'wrong'),
    );
    await turn();
    assert.equal(store.hashing.stats.running, 1);
    assert.ok(store.hashing.stats.waiting >= 6, `waiting ${String(store.hashing.stats.waiting)}`);
    const subs = await Promise.all(logins);
    assert.deepEqual(subs, [undefined, undefined, 'sub-ann', undefined, 'sub-ann', undefined, undefined, undefined]);
    assert.equal(store.hashing.stats.highWater, 1);
  });
});
