import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisStorage } from '../../provider/storage/redis/storage.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { accessToken } from './contract.ts';
import { openRedisStorage } from './redis-support.ts';

/**
 * provider/storage/redis/coalesce-writes.ts: the commands issued in one event-loop turn leave in one socket write,
 * and a command is never held past the turn it was issued in. Writes are counted where the socket hands its buffered
 * data to the operating system (`_write` for one chunk, `_writev` for several: net.Socket's Writable methods).
 */

interface WriteLog {
  /** Chunks per handover to the OS, in order. */
  batches: number[];
  restore(): void;
}

/** The standalone client's connection. */
function socketOf(storage: RedisStorage): Socket {
  return (storage.client as Redis).stream;
}

function countWrites(socket: Socket): WriteLog {
  const writable = socket as unknown as {
    _write: (...args: unknown[]) => unknown;
    _writev: (chunks: unknown[], ...rest: unknown[]) => unknown;
  };
  const { _write: write, _writev: writev } = writable;
  const batches: number[] = [];
  writable._write = function (...args: unknown[]) {
    batches.push(1);
    return write.apply(this, args);
  };
  writable._writev = function (chunks: unknown[], ...rest: unknown[]) {
    batches.push(chunks.length);
    return writev.call(this, chunks, ...rest);
  };
  return {
    batches,
    restore() {
      writable._write = write;
      writable._writev = writev;
    },
  };
}

describe('redis storage: one socket write per event-loop turn', () => {
  let redis: RedisServer;
  let storage: RedisStorage;
  before(async () => {
    redis = await startRedis();
    storage = await openRedisStorage({ type: 'redis', url: redis.url, keyPrefix: 'coalesce:' });
  });
  after(async () => {
    await storage.close();
    await redis.stop();
  });

  it('sends the commands of concurrent operations together, and each gets its own answer', async () => {
    const tokens = storage.adapter('AccessToken');
    const ids = Array.from({ length: 20 }, (_, i) => `token-${String(i)}`);
    await Promise.all(ids.map((id) => tokens.upsert(id, accessToken(id, `grant-${id}`), 60)));
    const log = countWrites(socketOf(storage));
    try {
      const found = await Promise.all(ids.map((id) => tokens.find(id)));
      assert.deepEqual(
        found.map((record) => record?.jti),
        ids,
      );
      assert.deepEqual(log.batches, [20], 'twenty GETs issued in one turn leave in one write');
    } finally {
      log.restore();
    }
  });

  it('does not hold a command back: commands of later turns go out in those turns', async () => {
    const tokens = storage.adapter('AccessToken');
    await tokens.upsert('lone', accessToken('lone', 'grant-lone'), 60);
    const log = countWrites(socketOf(storage));
    try {
      // Sequential: each command must be written (and answered) before the next is issued.
      for (let i = 0; i < 3; i += 1) assert.equal((await tokens.find('lone'))?.jti, 'lone');
      assert.deepEqual(log.batches, [1, 1, 1]);
    } finally {
      log.restore();
    }
  });

  it('still fails at once while disconnected, and writes again after a reconnection', async () => {
    const tokens = storage.adapter('AccessToken');
    const ready = once(storage.client, 'ready');
    storage.client.disconnect(true);
    await assert.rejects(tokens.find('lone'), (error: Error) => error.name === 'StorageUnavailableError');
    await ready;
    const log = countWrites(socketOf(storage));
    try {
      const found = await Promise.all([tokens.find('lone'), tokens.find('token-1')]);
      assert.deepEqual(
        found.map((record) => record?.jti),
        ['lone', 'token-1'],
      );
      assert.deepEqual(log.batches, [2], 'the new connection is corked too');
    } finally {
      log.restore();
    }
  });
});
