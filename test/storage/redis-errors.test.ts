import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplyError } from 'ioredis';
import { StorageUnavailableError } from '../../provider/storage/adapter.ts';
import { storageError } from '../../provider/storage/redis/errors.ts';

const reply = (message: string): Error => new (ReplyError as new (message: string) => Error)(message);

describe('redis storage: error classification', () => {
  it('turns connection trouble and "not now" replies into StorageUnavailableError, keeping the cause', () => {
    for (const error of [
      new Error('Connection is closed.'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error('Command timed out'),
      reply('CLUSTERDOWN The cluster is down'),
      reply('LOADING Redis is loading the dataset in memory'),
      reply("READONLY You can't write against a read only replica."),
    ]) {
      const mapped = storageError(error);
      assert.ok(mapped instanceof StorageUnavailableError, error.message);
      assert.equal(mapped.cause, error);
    }
  });

  it('leaves programming errors alone', () => {
    for (const error of [
      reply("ERR wrong number of arguments for 'set' command"),
      reply('WRONGTYPE Operation against a key holding the wrong kind of value'),
      new SyntaxError('Unexpected token'),
      new RangeError('expiresIn must be > 0'),
    ]) {
      assert.equal(storageError(error), error);
    }
  });
});
