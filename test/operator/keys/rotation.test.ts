// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyFileProblem } from '../../../provider/keys/key-file.ts';
import { manualClock } from '../../../provider/time/clock.ts';
import { parseDuration } from '../../../operator/providers/keys/duration.ts';
import { readKeyRing, rotationAnnotations } from '../../../operator/providers/keys/key-ring-codec.ts';
import {
  CLOCK_SKEW_MARGIN_MS,
  POD_PROPAGATION_MARGIN_MS,
  retentionMs,
  rotationPolicy,
} from '../../../operator/providers/keys/policy.ts';
import { generatedKeys } from '../../../operator/providers/keys/key-source.ts';
import {
  nextRotationAt,
  planRotation,
  type KeyRing,
  type RotationPolicy,
} from '../../../operator/providers/keys/rotation.ts';
import { publicJwks } from '../../../operator/providers/render/key-secret.ts';
import { rotateKeys } from '../../../operator/providers/rotate-keys.ts';
import { oidcProvider } from '../fixtures.ts';

const HOUR = 3_600_000;
const policy: RotationPolicy = {
  algorithms: ['ES256', 'EdDSA'],
  rotationPeriodMs: 720 * HOUR,
  propagationDelayMs: 1 * HOUR,
  retireAfterMs: 1 * HOUR,
  // The longest token lifetime; the other 10 minutes of the retention are margins.
  longestLifetimeMs: 50 * 60_000,
};

/** The invariants that hold after every step: a valid key file whose signing keys are all published. */
function assertConsistent(ring: KeyRing): void {
  assert.equal(keyFileProblem(ring.file), undefined);
  const published = publicJwks(ring.file).keys.map((key) => key.kid);
  for (const kid of ring.file.active ?? []) assert.ok(published.includes(kid), `signing key ${kid} is not in the JWKS`);
  for (const alg of policy.algorithms) {
    assert.equal(
      ring.file.keys.filter((key) => (ring.file.active ?? []).includes(key.kid) && key.alg === alg).length,
      1,
    );
  }
}

describe('parseDuration', () => {
  const cases: [string, number | undefined][] = [
    ['720h', 720 * HOUR],
    ['1h30m', 90 * 60_000],
    ['90s', 90_000],
    ['500ms', 500],
    ['1.5h', 1.5 * HOUR],
    ['0', 0],
    ['', undefined],
    ['10', undefined],
    ['-1h', undefined],
    ['1d', undefined],
  ];
  for (const [text, ms] of cases)
    it(`"${text}" → ${String(ms)}`, () => {
      assert.equal(parseDuration(text), ms);
    });
});

describe('key rotation', () => {
  it('runs through generate → publish → promote → retire on schedule, the signing key always published', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const steps: string[] = [];
    const advanceTo = async (ring: KeyRing | undefined, at: number): Promise<KeyRing> => {
      clock.set(at);
      const result = await rotateKeys(ring, policy, clock.now(), generatedKeys);
      steps.push(...result.steps.map((step) => step.reason));
      assertConsistent(result.ring);
      // What the Secret stores reads back to the same ring.
      const secret = {
        data: { 'keys.json': Buffer.from(JSON.stringify(result.ring.file)).toString('base64') },
        metadata: { annotations: rotationAnnotations(result.ring.state) },
      };
      assert.deepEqual(readKeyRing(secret, 0, policy.retireAfterMs), { kind: 'ring', ring: result.ring });
      return result.ring;
    };

    const start = clock.now();
    let ring = await advanceTo(undefined, start);
    assert.deepEqual(steps, ['KeysGenerated']);
    const first = [...(ring.file.active ?? [])];
    const firstCookie = ring.file.cookieKeys[0];

    // Nothing is due until rotationPeriod − propagationDelay.
    ring = await advanceTo(ring, start + 719 * HOUR - 1);
    assert.deepEqual(steps, ['KeysGenerated']);
    assert.equal(nextRotationAt(ring, policy), start + 719 * HOUR);

    ring = await advanceTo(ring, start + 719 * HOUR);
    assert.deepEqual(steps, ['KeysGenerated', 'KeyPublished']);
    assert.equal(ring.file.keys.length, 4, 'next keys are published');
    assert.deepEqual(ring.file.active, first, 'but the old keys still sign');
    const next = ring.state.pending?.kids ?? [];
    assert.equal(next.length, 2);

    ring = await advanceTo(ring, start + 720 * HOUR - 1);
    assert.deepEqual(ring.file.active, first);

    ring = await advanceTo(ring, start + 720 * HOUR);
    assert.deepEqual(steps.at(-1), 'KeyPromoted');
    assert.deepEqual([...(ring.file.active ?? [])].sort(), [...next].sort());
    assert.equal(ring.file.keys.length, 4, 'old keys stay published while their tokens may live');
    assert.deepEqual(ring.file.cookieKeys.slice(1), [firstCookie], 'the previous cookie key still verifies');
    assert.notEqual(ring.file.cookieKeys[0], firstCookie);

    ring = await advanceTo(ring, start + 721 * HOUR);
    assert.equal(steps.at(-1), 'KeyRetired');
    assert.deepEqual(ring.file.keys.map((key) => key.kid).sort(), [...next].sort());
    assert.deepEqual(steps, ['KeysGenerated', 'KeyPublished', 'KeyPromoted', 'KeyRetired']);

    // And the next period starts from the promotion.
    assert.equal(nextRotationAt(ring, policy), start + 720 * HOUR + 719 * HOUR);
  });

  it('adds one key for secrets at rest, to new and to older key files, and keeps it through rotation', async () => {
    const now = Date.UTC(2026, 0, 1);
    const fresh = await rotateKeys(undefined, policy, now, generatedKeys);
    const [secretKey] = fresh.ring.file.secretKeys ?? [];
    assert.ok(secretKey, 'a new key file has a secret key');
    assert.equal(keyFileProblem(fresh.ring.file), undefined);
    const later = await rotateKeys(fresh.ring, policy, now + 720 * HOUR, generatedKeys);
    assert.ok(later.steps.length > 0, 'a rotation step ran');
    assert.deepEqual(later.ring.file.secretKeys, [secretKey], 'kept (not rotated) by signing-key rotation');
    const { secretKeys: _none, ...older } = fresh.ring.file;
    const upgraded = await rotateKeys({ file: older, state: fresh.ring.state }, policy, now + 1000, generatedKeys);
    assert.equal(upgraded.ring.file.secretKeys?.length, 1, 'an older key file gets one');
  });

  it('generates a key at once for a newly configured algorithm, and retires keys of a dropped one', async () => {
    const now = Date.UTC(2026, 0, 1);
    const { ring } = await rotateKeys(undefined, { ...policy, algorithms: ['ES256'] }, now, generatedKeys);
    const added = await rotateKeys(ring, policy, now + 1000, generatedKeys);
    assert.deepEqual(
      added.steps.map((s) => s.type),
      ['AddAlgorithms'],
    );
    assertConsistent(added.ring);
    const dropped = await rotateKeys(added.ring, { ...policy, algorithms: ['EdDSA'] }, now + 2000, generatedKeys);
    assert.deepEqual(
      dropped.steps.map((s) => s.type),
      ['DropAlgorithms'],
    );
    assert.equal(dropped.ring.file.keys.length, 2, 'the dropped key stays published until retired');
    const later = await rotateKeys(
      dropped.ring,
      { ...policy, algorithms: ['EdDSA'] },
      now + 2000 + HOUR,
      generatedKeys,
    );
    assert.deepEqual(
      later.steps.map((s) => s.type),
      ['Retire'],
    );
    assert.deepEqual(
      later.ring.file.keys.map((k) => k.alg),
      ['EdDSA'],
    );
  });

  it('adopts a key file without rotation timestamps as freshly activated', async () => {
    const key = await generatedKeys.signingKey('EdDSA');
    const file = { keys: [key], active: [key.kid], cookieKeys: [generatedKeys.cookieKey()] };
    const read = readKeyRing(
      { data: { 'keys.json': Buffer.from(JSON.stringify(file)).toString('base64') } },
      1234,
      policy.retireAfterMs,
    );
    assert.equal(read.kind, 'ring');
    const ring = read.ring;
    assert.deepEqual(ring.state, { activatedAt: 1234, retiring: [] });
    assert.equal(planRotation(ring, { ...policy, algorithms: ['EdDSA'] }, 1235), undefined);
  });

  it('tells a missing Secret (absent) from one whose key file cannot be read (unreadable, naming no key material)', async () => {
    const key = await generatedKeys.signingKey('ES256');
    const cookieKeys = [generatedKeys.cookieKey()];
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
    assert.deepEqual(readKeyRing(undefined, 0, HOUR), { kind: 'absent' });
    const unreadable: [string, Record<string, string>, RegExp][] = [
      ['no keys.json', { 'jwks.json': encode({ keys: [] }) }, /no keys\.json/],
      ['corrupt JSON', { 'keys.json': Buffer.from('{"keys": [').toString('base64') }, /not JSON/],
      ['empty keys', { 'keys.json': encode({ keys: [], cookieKeys }) }, /non-empty/],
      [
        'bad key material',
        { 'keys.json': encode({ keys: [{ ...key, d: 'AAAA' }], active: [key.kid], cookieKeys }) },
        /not a valid private key/,
      ],
    ];
    for (const [label, data, message] of unreadable) {
      const read = readKeyRing({ data }, 0, HOUR);
      assert.equal(read.kind, 'unreadable', label);
      const problem = read.problem;
      assert.match(problem, message, label);
      assert.ok(!problem.includes(key.d ?? '-') && !problem.includes(cookieKeys[0] ?? '-'), `${label}: no secret`);
    }
  });

  it('retires a key at the time fixed when it stopped signing: a later, shorter policy does not move it', async () => {
    const start = Date.UTC(2026, 0, 1);
    const long: RotationPolicy = { ...policy, rotationPeriodMs: 10 * HOUR, retireAfterMs: 5 * HOUR };
    let { ring } = await rotateKeys(undefined, long, start, generatedKeys);
    ({ ring } = await rotateKeys(ring, long, start + 9 * HOUR, generatedKeys));
    ({ ring } = await rotateKeys(ring, long, start + 10 * HOUR, generatedKeys));
    const promotedAt = start + 10 * HOUR;
    assert.deepEqual(
      ring.state.retiring.map((entry) => entry.retireAt),
      [promotedAt + 5 * HOUR, promotedAt + 5 * HOUR],
    );
    // Stored and read back: the retirement time travels with the key.
    const secret = {
      data: { 'keys.json': Buffer.from(JSON.stringify(ring.file)).toString('base64') },
      metadata: { annotations: rotationAnnotations(ring.state) },
    };
    const read = readKeyRing(secret, 0, 1);
    assert.deepEqual(read, { kind: 'ring', ring });
    const short: RotationPolicy = { ...long, retireAfterMs: 1 * HOUR };
    const early = await rotateKeys(ring, short, promotedAt + 5 * HOUR - 1, generatedKeys);
    assert.deepEqual(early.steps, [], 'a shorter TTL after the promotion does not retire the key earlier');
    assert.equal(nextRotationAt(early.ring, short), promotedAt + 5 * HOUR);
    const due = await rotateKeys(ring, short, promotedAt + 5 * HOUR, generatedKeys);
    assert.deepEqual(
      due.steps.map((step) => step.type),
      ['Retire'],
    );
  });

  it('gives a retiring key recorded without its retirement time the retention passed in', async () => {
    const since = Date.UTC(2026, 0, 1);
    const annotation = JSON.stringify({
      activatedAt: new Date(since).toISOString(),
      retiring: [{ kid: 'old', since: new Date(since).toISOString() }],
    });
    const key = await generatedKeys.signingKey('ES256');
    const file = { keys: [key], active: [key.kid], cookieKeys: [generatedKeys.cookieKey()] };
    const read = readKeyRing(
      {
        data: { 'keys.json': Buffer.from(JSON.stringify(file)).toString('base64') },
        metadata: { annotations: { 'kubeoidc.dev/key-rotation': annotation } },
      },
      0,
      2 * HOUR,
    );
    assert.deepEqual(read.kind === 'ring' ? read.ring.state.retiring : [], [
      { kid: 'old', since, retireAt: since + 2 * HOUR },
    ]);
  });
});

describe('key retention rule', () => {
  it('keeps a key for the longest of ID token, access token, client_credentials and session lifetimes plus margins', () => {
    const margins = POD_PROPAGATION_MARGIN_MS + CLOCK_SKEW_MARGIN_MS;
    assert.equal(margins, 10 * 60_000);
    assert.equal(
      retentionMs({ idToken: 600, accessToken: 900, clientCredentials: 300, session: 1200 }),
      1200_000 + margins,
      'the session bounds how long an expired ID token is accepted as id_token_hint',
    );
    assert.equal(
      retentionMs({ idToken: 600, accessToken: 7200, clientCredentials: 300, session: 1200 }),
      7200_000 + margins,
    );
    assert.equal(rotationPolicy(oidcProvider('idp')).retireAfterMs, 1_209_600_000 + margins, 'defaults: 14 days');
  });
});
