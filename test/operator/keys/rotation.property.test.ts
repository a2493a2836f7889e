/**
 * Property test of the rotation state machine (fast-check): whatever the schedule and however irregularly the
 * reconciler runs, the key file stays valid, every signing key is published, each algorithm has exactly one signing
 * key, the propagation delay is honoured, and retired keys do not pile up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { keyFileProblem } from '../../../provider/keys/key-file.ts';
import { generatedKeys } from '../../../operator/providers/keys/key-source.ts';
import type { KeyRing, RotationPolicy } from '../../../operator/providers/keys/rotation.ts';
import { rotateKeys } from '../../../operator/providers/rotate-keys.ts';

const MINUTE = 60_000;

describe('key rotation (property)', () => {
  it('keeps its invariants over arbitrary schedules and reconcile times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 10, max: 600 }), // rotation period, minutes
        fc.integer({ min: 1, max: 99 }), // propagation delay, % of the period
        fc.integer({ min: 1, max: 900 }), // retire after, minutes
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 25 }), // gaps between reconciles, minutes
        async (periodMin, delayPct, retireMin, gaps) => {
          const policy: RotationPolicy = {
            algorithms: ['ES256', 'EdDSA'],
            rotationPeriodMs: periodMin * MINUTE,
            propagationDelayMs: Math.max(1, Math.floor((periodMin * delayPct) / 100)) * MINUTE,
            retireAfterMs: retireMin * MINUTE,
            longestLifetimeMs: Math.floor(retireMin / 2) * MINUTE,
          };
          let now = Date.UTC(2026, 0, 1);
          let ring: KeyRing | undefined;
          for (const gap of gaps) {
            now += gap * MINUTE;
            const before = ring;
            ({ ring } = await rotateKeys(ring, policy, now, generatedKeys));
            assert.equal(keyFileProblem(ring.file), undefined);
            const kids = ring.file.keys.map((key) => key.kid);
            const active = ring.file.active ?? [];
            for (const kid of active) assert.ok(kids.includes(kid), 'a signing key is published');
            for (const alg of policy.algorithms) {
              assert.equal(ring.file.keys.filter((key) => active.includes(key.kid) && key.alg === alg).length, 1);
            }
            // A key that signs now was published at least propagationDelay ago (or was generated with nothing before it).
            if (before !== undefined && ring.state.activatedAt === now && before.state.pending !== undefined) {
              assert.ok(now - before.state.pending.publishedAt >= policy.propagationDelayMs);
            }
            // Active, pending and retiring keys only: at most three generations per algorithm.
            assert.ok(ring.file.keys.length <= 3 * policy.algorithms.length + ring.state.retiring.length);
            assert.ok(ring.file.cookieKeys.length <= 2);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
