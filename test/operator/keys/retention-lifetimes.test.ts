/**
 * A retired key stays published as long as any token it signed can be presented: its retention uses the longest
 * token or session lifetime in force at any time while it signed, not the one in force when it stopped signing.
 * Pure (the clock is a parameter).
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import type { TtlSpec } from '../../../operator/kube/crds.ts';
import { readKeyRing, rotationAnnotations } from '../../../operator/providers/keys/key-ring-codec.ts';
import { generatedKeys } from '../../../operator/providers/keys/key-source.ts';
import { rotationPolicy } from '../../../operator/providers/keys/policy.ts';
import type { KeyRing, RotationPolicy } from '../../../operator/providers/keys/rotation.ts';
import { rotateKeys } from '../../../operator/providers/rotate-keys.ts';
import { oidcProvider, withSpec } from '../fixtures.ts';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MARGINS = 6 * SECOND;
const LONG: TtlSpec = { idToken: 3600, accessToken: 3600, clientCredentials: 3600, session: 14 * 86_400 };
const SHORT: TtlSpec = { idToken: 60, accessToken: 60, clientCredentials: 60, session: 60 };

/** The policy of a provider rotating every 2 h (published 30 min ahead), margins 5 s + 1 s, with lifetimes `ttl`. */
const policyWith = (ttl: TtlSpec): RotationPolicy =>
  rotationPolicy(
    oidcProvider(
      'idp',
      withSpec({
        ttl,
        signing: {
          algorithms: ['ES256'],
          rotationPeriod: '2h',
          propagationDelay: '30m',
          retention: { podPropagationMargin: '5s', clockSkewMargin: '1s' },
        },
      }),
    ),
  );

const start = Date.UTC(2026, 0, 1);
const step = async (ring: KeyRing | undefined, ttl: TtlSpec, at: number) =>
  (await rotateKeys(ring, policyWith(ttl), at, generatedKeys)).ring;
const asSecret = (ring: KeyRing, annotation = rotationAnnotations(ring.state)['kubeoidc.dev/key-rotation']) =>
  ({
    data: { 'keys.json': Buffer.from(JSON.stringify(ring.file)).toString('base64') },
    metadata: { annotations: { 'kubeoidc.dev/key-rotation': annotation } },
  }) satisfies V1Secret;
const retireAtOf = (ring: KeyRing, kid: string | undefined) =>
  ring.state.retiring.find((entry) => entry.kid === kid)?.retireAt;

describe('key retention over lifetime changes while the key signs', () => {
  it('does not shorten when the lifetimes are shortened before the key stops signing', async () => {
    let ring = await step(undefined, LONG, start);
    const first = ring.file.active?.[0];
    ring = await step(ring, LONG, start + 90 * 60_000); // the next key is published
    // The spec shortens every lifetime to 60 s; tokens the first key signed an hour ago live on (the session 14 days).
    ring = await step(ring, SHORT, start + 100 * 60_000);
    const promotedAt = start + 2 * HOUR;
    ring = await step(ring, SHORT, promotedAt);
    assert.notDeepEqual(ring.file.active, [first], 'promoted');
    assert.equal(retireAtOf(ring, first), promotedAt + 14 * DAY + MARGINS);
    // Stored and read back: the retirement time stays (read with the short policy's retention as legacy default).
    const read = readKeyRing(asSecret(ring), 0, policyWith(SHORT).retireAfterMs);
    assert.equal(read.kind === 'ring' ? retireAtOf(read.ring, first) : undefined, promotedAt + 14 * DAY + MARGINS);

    // The key that signed only under the short lifetimes is retained for those (the record is per key).
    const second = ring.file.active?.[0];
    ring = await step(ring, SHORT, promotedAt + 90 * 60_000);
    ring = await step(ring, SHORT, promotedAt + 2 * HOUR);
    assert.equal(retireAtOf(ring, second), promotedAt + 2 * HOUR + 60 * SECOND + MARGINS);
  });

  it('lengthens when a longer lifetime was in force at any time while the key signed', async () => {
    let ring = await step(undefined, SHORT, start);
    const first = ring.file.active?.[0];
    ring = await step(ring, LONG, start + 10 * 60_000); // briefly 14 days, through the stored annotation…
    ring = readKeyRingOrFail(asSecret(ring), policyWith(SHORT));
    ring = await step(ring, SHORT, start + 20 * 60_000); // …then shortened again
    ring = await step(ring, SHORT, start + 90 * 60_000);
    const promotedAt = start + 2 * HOUR;
    ring = await step(ring, SHORT, promotedAt);
    assert.equal(retireAtOf(ring, first), promotedAt + 14 * DAY + MARGINS);
  });

  it('reads an annotation without recorded lifetimes (older operator) as signed under the current lifetimes', async () => {
    const fresh = await step(undefined, SHORT, start);
    const kid = fresh.file.active?.[0];
    // What an operator before this change wrote: times only, no `signing` field.
    const since = new Date(start - HOUR).toISOString();
    const retireAt = new Date(start + HOUR).toISOString();
    const annotation = JSON.stringify({
      activatedAt: new Date(start).toISOString(),
      retiring: [{ kid: 'older', since, retireAt }],
    });
    const read = () => readKeyRingOrFail(asSecret(fresh, annotation), policyWith(SHORT));
    assert.equal(read().state.signing, undefined, 'nothing recorded');
    assert.deepEqual(read().state.retiring, [{ kid: 'older', since: start - HOUR, retireAt: start + HOUR }]);

    // Under the 14-day spec: recorded as such on the next reconcile (and written), and retained for it at promotion.
    let ring = await step(read(), LONG, start + 60 * SECOND);
    assert.deepEqual(ring.state.signing, [{ kid, longestLifetimeMs: 14 * DAY }]);
    const written = JSON.parse(rotationAnnotations(ring.state)['kubeoidc.dev/key-rotation'] ?? '{}') as {
      signing?: unknown;
    };
    assert.deepEqual(written.signing, [{ kid, longestLifetimeSeconds: 14 * 86_400 }]);
    ring = await step(ring, SHORT, start + 90 * 60_000);
    ring = await step(ring, SHORT, start + 2 * HOUR);
    assert.equal(retireAtOf(ring, kid), start + 2 * HOUR + 14 * DAY + MARGINS);

    // Under the short spec throughout: retained for the short lifetimes, as before.
    ring = await step(read(), SHORT, start + 90 * 60_000);
    ring = await step(ring, SHORT, start + 2 * HOUR);
    assert.equal(retireAtOf(ring, kid), start + 2 * HOUR + 60 * SECOND + MARGINS);
  });

  it('ignores malformed recorded lifetimes (the keys count as signed under the current ones)', async () => {
    const fresh = await step(undefined, SHORT, start);
    const kid = fresh.file.active?.[0] ?? '';
    const annotation = JSON.stringify({
      activatedAt: new Date(start).toISOString(),
      retiring: [],
      signing: [{ kid, longestLifetimeSeconds: -1 }, { kid: 'other', longestLifetimeSeconds: '60' }, null],
    });
    const ring = readKeyRingOrFail(asSecret(fresh, annotation), policyWith(SHORT));
    assert.deepEqual(ring.state.signing, []);
    assert.deepEqual((await step(ring, SHORT, start + SECOND)).state.signing, [
      { kid, longestLifetimeMs: 60 * SECOND },
    ]);
  });
});

function readKeyRingOrFail(secret: V1Secret, policy: RotationPolicy): KeyRing {
  const read = readKeyRing(secret, 0, policy.retireAfterMs);
  assert.equal(read.kind, 'ring');
  return read.ring;
}
