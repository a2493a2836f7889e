import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { EventName } from '../../provider/events/events.ts';
import { ProviderEmitter, eventNames } from '../../provider/events/events.ts';
import { ModelRepository } from '../../provider/models/repository.ts';
import type { AuthorizationCode, Grant, Session } from '../../provider/models/types.ts';
import { MemoryStorage } from '../../provider/storage/memory.ts';
import { epochSeconds, manualClock } from '../../provider/time/clock.ts';

describe('ModelRepository', () => {
  const clock = manualClock();
  const storage = new MemoryStorage({ clock, maxEntries: 100 });
  const events = new ProviderEmitter();
  const seen: [EventName, unknown][] = [];
  for (const name of eventNames) events.on(name, (...args: unknown[]) => seen.push([name, args[0]]));
  const models = new ModelRepository({ storage, events, clock });
  after(() => storage.close());
  const now = epochSeconds(clock);

  it('saves until exp, consumes once and destroys, each with its EVENTS.md event and the record', async () => {
    seen.length = 0;
    const code: AuthorizationCode = {
      jti: 'code-1',
      kind: 'AuthorizationCode',
      iat: now,
      exp: now + 60,
      accountId: 'a',
      clientId: 'c',
      grantId: 'g',
      scope: 'openid',
      redirectUri: 'http://127.0.0.1/cb',
    };
    await models.save(code);
    assert.deepEqual((await models.find('AuthorizationCode', 'code-1'))?.jti, 'code-1');
    const consumed = await models.consume('AuthorizationCode', 'code-1');
    assert.equal(consumed?.consumed, now);
    assert.equal(await models.consume('AuthorizationCode', 'code-1'), undefined, 'second consume loses');
    await models.destroy('AuthorizationCode', 'code-1');
    await models.destroy('AuthorizationCode', 'code-1');
    assert.deepEqual(
      seen.map(([name]) => name),
      ['authorization_code.saved', 'authorization_code.consumed', 'authorization_code.destroyed'],
    );
    assert.equal((seen[1]?.[1] as AuthorizationCode).consumed, now);
    clock.advance(0);
  });

  it('expires records at exp, finds sessions by uid, and emits nothing for models without events', async () => {
    seen.length = 0;
    const session: Session = { jti: 's1', kind: 'Session', iat: now, exp: now + 10, uid: 'u1', authorizations: {} };
    await models.save(session);
    assert.equal((await models.findSessionByUid('u1'))?.jti, 's1');
    const grant: Grant = {
      jti: 'g1',
      kind: 'Grant',
      iat: now,
      exp: now + 10,
      accountId: 'a',
      clientId: 'c',
      scopes: ['openid'],
      claims: [],
      resources: {},
    };
    await models.save(grant);
    await models.destroy('Grant', grant);
    assert.deepEqual(
      seen.map(([name]) => name),
      ['session.saved'],
    );
    clock.advance(11_000);
    assert.equal(await models.find('Session', 's1'), undefined);
  });
});
