/**
 * The command deadline (provider/storage/redis/deadline.ts) on a real `redis-server`: an answer that arrived while the
 * event loop was blocked is taken however late the loop reads it (ioredis' own `commandTimeout` rejected it: a false
 * 503 on a loaded node), while a Redis that really does not answer (a paused process) still fails the command soon.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StorageUnavailableError } from '../../provider/storage/adapter.ts';
import type { RedisStorage } from '../../provider/storage/redis/storage.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { codeRecord, grantRecord } from './records.ts';
import { openRedisStorage } from './redis-support.ts';

/** Short, so that the blocks below outlast it many times over; production's default is 1000 ms. */
const DEADLINE_MS = 100;
/** How long the event loop is blocked while Redis answers: the answer is in the socket long before this ends. */
const BLOCK_MS = 1000;

/** Blocks this thread (and so the event loop) for `ms` without burning CPU. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Settles `promise` into what happened, so a rejection is asserted on, not thrown. */
function outcome<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

let redis: RedisServer | undefined;
let opened: RedisStorage | undefined;
before(async () => {
  redis = await startRedis();
  opened = await openRedisStorage(
    { type: 'redis', url: redis.url, keyPrefix: 'deadline:', commandTimeoutMs: DEADLINE_MS },
    { connectWaitMs: 5000 },
  );
});
after(async () => {
  await opened?.close();
  await redis?.stop();
});

/** Resolves once `check` holds (polled every 50 ms); the suite's timeout guards against forever. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

function subject(): RedisStorage {
  if (opened === undefined) throw new Error('storage not opened');
  return opened;
}

describe('redis storage: command deadline', () => {
  it('takes an answer that arrived while the event loop was blocked past the deadline (read, script, pipeline)', async () => {
    const storage = subject();
    const grants = storage.adapter('Grant');
    await grants.upsert('late-read', grantRecord('late-read'), 60);
    await storage.adapter('AuthorizationCode').upsert('late-code', codeRecord('late-code'), 60);

    const read = outcome(grants.find('late-read'));
    blockEventLoop(BLOCK_MS);
    const found = await read;
    assert.ok('value' in found, `find rejected: ${'error' in found ? String(found.error) : ''}`);
    assert.equal(found.value?.jti, 'late-read');

    // The single-use script: its answer is the one consumer's record, and it is never lost to a late loop.
    const consumed = outcome(storage.adapter('AuthorizationCode').consume('late-code'));
    blockEventLoop(BLOCK_MS);
    const first = await consumed;
    assert.ok('value' in first, `consume rejected: ${'error' in first ? String(first.error) : ''}`);
    assert.equal(first.value?.jti, 'late-code');
    assert.equal(await storage.adapter('AuthorizationCode').consume('late-code'), undefined, 'consumed once only');

    // Other users of the client (login throttle, event stream) send plain commands, scripts and pipelines.
    const piped = outcome(storage.client.multi().incr('deadline:counter').pexpire('deadline:counter', 60_000).exec());
    blockEventLoop(BLOCK_MS);
    const pipeline = await piped;
    assert.ok('value' in pipeline, `MULTI rejected: ${'error' in pipeline ? String(pipeline.error) : ''}`);
    assert.deepEqual(pipeline.value, [
      [null, 1],
      [null, 1],
    ]);
  });

  it('still fails a command soon when Redis does not answer (paused), and serves again when Redis resumes', async () => {
    const storage = subject();
    const pid = Number(/process_id:(\d+)/.exec(await storage.client.info('server'))?.[1]);
    assert.ok(pid > 0, 'redis-server pid');
    await storage.adapter('Grant').upsert('paused', grantRecord('paused'), 60);
    process.kill(pid, 'SIGSTOP');
    try {
      const started = performance.now();
      const result = await outcome(storage.adapter('Grant').find('paused'));
      const waited = performance.now() - started;
      assert.ok('error' in result, 'a paused Redis cannot answer');
      assert.ok(result.error instanceof StorageUnavailableError, String(result.error));
      assert.match(result.error.message, /Command timed out/);
      // A hang guard, not a speed test: the deadline is 100 ms, a hang would be forever.
      assert.ok(waited < 10_000, `rejected after ${Math.round(waited)} ms`);
      await assert.rejects(storage.ping(), StorageUnavailableError, 'readiness says unavailable');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // The same connection carries on: late answers to the timed-out commands are matched to them and dropped.
    assert.equal((await storage.adapter('Grant').find('paused'))?.jti, 'paused');
    await storage.ping();
  });

  it('never re-sends a timed-out consume when the connection is lost and comes back', async () => {
    const own = await startRedis();
    let back: RedisServer | undefined;
    const storage = await openRedisStorage(
      { type: 'redis', url: own.url, keyPrefix: 'resend:', commandTimeoutMs: DEADLINE_MS },
      { maxReconnectDelayMs: 200 },
    );
    try {
      const codes = storage.adapter('AuthorizationCode');
      await codes.upsert('code', codeRecord('code'), 60);
      const pid = Number(/process_id:(\d+)/.exec(await storage.client.info('server'))?.[1]);
      process.kill(pid, 'SIGSTOP');
      await assert.rejects(codes.consume('code'), StorageUnavailableError);
      // The paused server dies with the consume unanswered; a fresh one takes its port, and the client reconnects.
      await own.stop();
      back = await startRedis({ port: own.port });
      await eventually(async () =>
        storage.ping().then(
          () => true,
          () => false,
        ),
      );
      // Whatever the client had queued for the old connection would have been written by now, before the PING.
      const commandStats = await storage.client.info('commandstats');
      assert.match(commandStats, /cmdstat_ping:/, "the stats are the new server's, reached through the storage");
      assert.doesNotMatch(commandStats, /cmdstat_eval/, `the consume reached the new server:\n${commandStats}`);
    } finally {
      await storage.close();
      await own.stop();
      await back?.stop();
    }
  });
});
