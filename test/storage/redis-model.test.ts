/**
 * Model-based check: random sequences of operations give the same answers on Redis as on the in-memory storage (the
 * reference), including index behaviour the contract only samples — records moving between grants, uids taken over
 * by another session, consume after destroy, revocation of one model leaving another alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Storage } from '../../provider/storage/adapter.ts';
import { MemoryStorage } from '../../provider/storage/memory.ts';
import { RedisStorage } from '../../provider/storage/redis/storage.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { accessToken, recordOf } from './contract.ts';

const id = fc.constantFrom('a', 'b', 'c');
const grant = fc.constantFrom('g1', 'g2');
const uid = fc.constantFrom('u1', 'u2');
const grantModel = fc.constantFrom('AccessToken' as const, 'RefreshToken' as const);

const operation = fc.oneof(
  fc.record({ op: fc.constant('upsertToken' as const), model: grantModel, id, grant, scope: fc.string() }),
  fc.record({ op: fc.constant('upsertSession' as const), id, uid }),
  fc.record({ op: fc.constant('find' as const), model: grantModel, id }),
  fc.record({ op: fc.constant('findSession' as const), id }),
  fc.record({ op: fc.constant('findByUid' as const), uid }),
  fc.record({ op: fc.constant('consume' as const), model: grantModel, id }),
  fc.record({ op: fc.constant('destroy' as const), model: grantModel, id }),
  fc.record({ op: fc.constant('destroySession' as const), id }),
  fc.record({ op: fc.constant('revoke' as const), model: grantModel, grant }),
);
type Operation = typeof operation extends fc.Arbitrary<infer O> ? O : never;

function apply(storage: Storage, step: Operation): Promise<unknown> {
  switch (step.op) {
    case 'upsertToken': {
      const record = { ...accessToken(step.id, step.grant), scope: step.scope };
      return storage.adapter(step.model).upsert(step.id, record, 60);
    }
    case 'upsertSession':
      return storage.adapter('Session').upsert(step.id, recordOf('Session', step.id, { uid: step.uid }), 60);
    case 'find':
      return storage.adapter(step.model).find(step.id);
    case 'findSession':
      return storage.adapter('Session').find(step.id);
    case 'findByUid':
      return storage.adapter('Session').findByUid(step.uid);
    case 'consume':
      return storage.adapter(step.model).consume(step.id);
    case 'destroy':
      return storage.adapter(step.model).destroy(step.id);
    case 'destroySession':
      return storage.adapter('Session').destroy(step.id);
    case 'revoke':
      return storage.adapter(step.model).revokeByGrantId(step.grant);
  }
}

describe('redis storage behaves like memory storage (model-based)', () => {
  let redis: RedisServer;
  let run = 0;
  before(async () => {
    redis = await startRedis();
  });
  after(() => redis.stop());

  it('answers every random sequence of operations the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 10, maxLength: 60, size: 'max' }), async (steps) => {
        const clock = manualClock();
        const memory = new MemoryStorage({ clock, maxEntries: 1000 });
        const prefix = `model${run++}:`;
        const store = await RedisStorage.open({ type: 'redis', url: redis.url, keyPrefix: prefix }, { clock });
        try {
          for (const [index, step] of steps.entries()) {
            clock.advance(1000); // distinct `consumed` times, far from any expiry
            const expected = await apply(memory, step);
            const actual = await apply(store, step);
            assert.deepEqual(actual, expected, `step ${index}: ${JSON.stringify(step)}`);
          }
        } finally {
          await memory.close();
          await store.close();
        }
      }),
      { numRuns: 200 },
    );
  });
});
