import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageFullError, StorageUnavailableError } from '../../provider/storage/adapter.ts';
import { FLOODABLE_SHARE, floodableModels, MemoryStorage } from '../../provider/storage/memory.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { accessToken, recordOf, runStorageContract } from './contract.ts';

runStorageContract('memory', () => {
  const clock = manualClock();
  const storage = new MemoryStorage({ clock, maxEntries: 10_000 });
  return Promise.resolve({
    storage,
    // One process, one store: peers are the same storage (adapters are created per call).
    peer: () => Promise.resolve(storage),
    elapse: (ms: number) => {
      clock.advance(ms);
      return Promise.resolve();
    },
    close: () => storage.close(),
  });
});

describe('MemoryStorage bounds', () => {
  it('never evicts a live entry: past maxEntries a new one is refused (StorageFullError), replacing still works', async () => {
    const storage = new MemoryStorage({ clock: manualClock(), maxEntries: 100 });
    try {
      const tokens = storage.adapter('AccessToken');
      for (let i = 0; i < 100; i++) await tokens.upsert(`t${i}`, accessToken(`t${i}`, `g${i % 2}`), 60);
      await assert.rejects(tokens.upsert('t100', accessToken('t100', 'g0'), 60), (error: unknown) => {
        assert.ok(error instanceof StorageFullError);
        assert.ok(error instanceof StorageUnavailableError, 'rendered as 503 temporarily_unavailable');
        return true;
      });
      await assert.rejects(storage.adapter('ReplayDetection').insert('r', recordOf('ReplayDetection', 'r'), 60));
      assert.equal(storage.size, 100);
      assert.ok(await tokens.find('t0'), 'the oldest entry is still there');
      await tokens.upsert('t0', accessToken('t0', 'g1'), 60);
      await tokens.revokeByGrantId('g0');
      await tokens.revokeByGrantId('g1');
      assert.equal(storage.size, 0);
    } finally {
      await storage.close();
    }
  });

  it('bounds each kind anyone can create (interactions, …) to a share of maxEntries; others still fit', async () => {
    const storage = new MemoryStorage({ clock: manualClock(), maxEntries: 100 });
    try {
      const interactions = storage.adapter('Interaction');
      const cap = 100 * FLOODABLE_SHARE;
      for (let i = 0; i < cap; i++) await interactions.upsert(`i${i}`, recordOf('Interaction', `i${i}`), 60);
      await assert.rejects(interactions.upsert('one-more', recordOf('Interaction', 'one-more'), 60), StorageFullError);
      for (const model of ['PushedAuthorizationRequest', 'DeviceCode', 'Client', 'RegistrationAccessToken'] as const) {
        assert.ok(floodableModels.has(model));
      }
      const sessions = storage.adapter('Session');
      for (let i = 0; i < 100 - cap; i++) {
        await sessions.upsert(`s${i}`, recordOf('Session', `s${i}`, { uid: `u${i}`, authorizations: {} }), 60);
      }
      assert.equal(storage.size, 100);
    } finally {
      await storage.close();
    }
  });

  it('sweeps expired entries (manual clock), before evicting live ones', async () => {
    const clock = manualClock();
    const storage = new MemoryStorage({ clock, maxEntries: 100 });
    try {
      const tokens = storage.adapter('AccessToken');
      for (let i = 0; i < 10; i++) await tokens.upsert(`short${i}`, accessToken(`short${i}`, 'g'), 10);
      for (let i = 0; i < 5; i++) await tokens.upsert(`long${i}`, accessToken(`long${i}`, 'g'), 100);
      clock.advance(9_999);
      storage.sweep();
      assert.equal(storage.size, 15);
      clock.advance(1);
      storage.sweep();
      assert.equal(storage.size, 5);
      // When full, expired entries make room: the live ones survive.
      for (let i = 0; i < 95; i++) await tokens.upsert(`x${i}`, accessToken(`x${i}`, 'g'), 5);
      clock.advance(5_000);
      await tokens.upsert('new', accessToken('new', 'g'), 100);
      assert.equal(storage.size, 6);
      for (let i = 0; i < 5; i++) assert.ok(await tokens.find(`long${i}`));
    } finally {
      await storage.close();
    }
  });

  it('does not sweep on every insert into a store full of live entries (at most once a second)', async () => {
    // Sweeping 50 000 entries on each of 5 000 inserts took ≈ 2 s; the rule is checked by counting sweeps under a
    // frozen clock rather than by timing (speed is shown in benchmarks, not in timed unit tests).
    let sweeps = 0;
    class CountingStorage extends MemoryStorage {
      override sweep(): void {
        sweeps++;
        super.sweep();
      }
    }
    const clock = manualClock();
    const storage = new CountingStorage({ clock, maxEntries: 50_000 });
    try {
      const tokens = storage.adapter('ReplayDetection');
      const record = (jti: string) => ({ jti, kind: 'ReplayDetection' as const, iat: 0, exp: 0 });
      for (let i = 0; i < 50_000; i++) await tokens.upsert(`a${i}`, record(`a${i}`), 60);
      for (let i = 0; i < 5_000; i++)
        await assert.rejects(tokens.upsert(`b${i}`, record(`b${i}`), 60), StorageFullError);
      assert.equal(sweeps, 1, 'one sweep for 5 000 inserts into a full store within one second');
      assert.equal(storage.size, 50_000);
      clock.advance(1_000);
      await assert.rejects(tokens.upsert('c', record('c'), 60), StorageFullError);
      assert.equal(sweeps, 2, 'a second later, the next insert into a full store sweeps again');
    } finally {
      await storage.close();
    }
  });

  it('sweeps on its own timer', async () => {
    const clock = manualClock();
    const storage = new MemoryStorage({ clock, maxEntries: 100, sweepIntervalMs: 20 });
    try {
      await storage
        .adapter('Session')
        .upsert('s', { jti: 's', kind: 'Session', iat: 0, exp: 0, uid: 'u', authorizations: {} }, 1);
      clock.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal(storage.size, 0);
    } finally {
      await storage.close();
    }
  });
});
