import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '../../provider/storage/memory.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { accessToken, runStorageContract } from './contract.ts';

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
  it('evicts the oldest entries past maxEntries, with their indexes', async () => {
    const storage = new MemoryStorage({ clock: manualClock(), maxEntries: 100 });
    try {
      const tokens = storage.adapter('AccessToken');
      for (let i = 0; i < 150; i++) await tokens.upsert(`t${i}`, accessToken(`t${i}`, `g${i % 2}`), 60);
      assert.equal(storage.size, 100);
      assert.equal(await tokens.find('t0'), undefined);
      assert.equal(await tokens.find('t49'), undefined);
      assert.ok(await tokens.find('t50'));
      assert.ok(await tokens.find('t149'));
      // Re-upserting refreshes an entry's age: t50 survives the next eviction, t51 does not.
      await tokens.upsert('t50', accessToken('t50', 'g0'), 60);
      await tokens.upsert('t150', accessToken('t150', 'g0'), 60);
      assert.ok(await tokens.find('t50'));
      assert.equal(await tokens.find('t51'), undefined);
      await tokens.revokeByGrantId('g0');
      await tokens.revokeByGrantId('g1');
      assert.equal(storage.size, 0);
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
      // When full, expired entries go first: the live ones survive.
      for (let i = 0; i < 95; i++) await tokens.upsert(`x${i}`, accessToken(`x${i}`, 'g'), 5);
      clock.advance(5_000);
      await tokens.upsert('new', accessToken('new', 'g'), 100);
      assert.equal(storage.size, 6);
      for (let i = 0; i < 5; i++) assert.ok(await tokens.find(`long${i}`));
    } finally {
      await storage.close();
    }
  });

  it('does not sweep on every insert when full of live entries (at most once a second)', async () => {
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
      for (let i = 0; i < 5_000; i++) await tokens.upsert(`b${i}`, record(`b${i}`), 60);
      assert.equal(sweeps, 1, 'one sweep for 5 000 inserts into a full store within one second');
      assert.equal(storage.size, 50_000);
      clock.advance(1_000);
      await tokens.upsert('c', record('c'), 60);
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
