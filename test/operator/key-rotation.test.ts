/**
 * Signing-key rotation through every phase against a real API server, with a manual clock: the reconciler publishes,
 * promotes and retires keys in the Secret on the spec's schedule, reports each step as an Event, and the JWKS in the
 * Secret always contains the keys that sign.
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { kubeClient, MERGE_PATCH } from '../../operator/kube/client.ts';
import type { OIDCProvider } from '../../operator/kube/crds.ts';
import { getObject, listObjects, resourcePath } from '../../operator/kube/resources.ts';
import { reconcileProvider } from '../../operator/providers/reconciler.ts';
import { keyFileProblem, type KeyFile } from '../../provider/keys/key-file.ts';
import { applyManifest, kubectl } from '../support/kubectl.ts';
import { asApplied, oidcProvider, withSpec } from './fixtures.ts';
import { reconcilerOnApiServer } from './reconciler-on-api-server.ts';

const MINUTE = 60_000;
const secretRef = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', namespace: 'default', name });

describe('key rotation on a real API server', { timeout: 180_000 }, () => {
  const api = reconcilerOnApiServer('rotation-test');

  const secretOf = (name: string) =>
    getObject<V1Secret>(api.client, { apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: `${name}-keys` });
  const keysOf = async (name = 'rot') => {
    const secret = await secretOf(name);
    const decode = (key: string): unknown => JSON.parse(Buffer.from(secret?.data?.[key] ?? '', 'base64').toString());
    return {
      file: decode('keys.json') as KeyFile,
      jwks: decode('jwks.json') as { keys: { kid: string; d?: string }[] },
    };
  };
  const statusOf = async (name = 'rot') =>
    (
      await getObject<OIDCProvider>(api.client, {
        apiVersion: 'kubeoidc.dev/v1alpha1',
        kind: 'OIDCProvider',
        namespace: 'default',
        name,
      })
    )?.status;
  const events = async (name: string) => {
    const list = await listObjects<
      { reason?: string; type?: string; regarding?: { name?: string }; eventTime?: string } & KubernetesObject
    >(api.client, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      namespace: 'default',
    });
    return list.items
      .filter((event) => event.regarding?.name === name)
      .sort((x, y) => (x.eventTime ?? '').localeCompare(y.eventTime ?? ''));
  };
  const reasons = async (name = 'rot') =>
    (await events(name)).map((event) => event.reason).filter((reason) => /^Key/.test(reason ?? ''));
  /** Moves the api.clock, reconciles, and checks that every signing key is in the Secret's JWKS and in status. */
  const at = async (minutes: number, name = 'rot') => {
    api.clock.set(Date.UTC(2026, 5, 1) + minutes * MINUTE);
    await reconcileProvider(api.deps, 'default', name);
    const { file, jwks } = await keysOf(name);
    assert.equal(keyFileProblem(file), undefined);
    const published = jwks.keys.map((key) => key.kid);
    for (const kid of file.active ?? []) assert.ok(published.includes(kid), `signing key ${kid} missing from the JWKS`);
    assert.ok(
      jwks.keys.every((key) => key.d === undefined),
      'the JWKS holds public keys only',
    );
    const status = await statusOf(name);
    assert.deepEqual(status?.activeKeyIds, file.active);
    assert.deepEqual(
      status?.publishedKeyIds,
      file.keys.map((key) => key.kid),
    );
    return { file, status };
  };

  it('publishes, promotes and retires on schedule, one Event per step', async () => {
    await applyManifest(
      api.cp,
      oidcProvider(
        'rot',
        asApplied,
        withSpec({
          signing: { algorithms: ['ES256'], rotationPeriod: '2h', propagationDelay: '30m' },
          // Retention: max(ID token, access token, client_credentials, session) + 5 min pods + 5 min skew = 30 min.
          ttl: { idToken: 600, accessToken: 900, session: 1200 },
        }),
      ),
    );
    const start = await at(0);
    assert.equal(start.file.keys.length, 1);
    const first = start.file.active?.[0];
    assert.equal(start.status?.nextRotationTime, '2026-06-01T01:30:00Z');
    assert.deepEqual(await reasons(), ['KeysGenerated']);

    assert.deepEqual((await at(89)).file.keys.length, 1, 'nothing before rotationPeriod − propagationDelay');

    const published = await at(90);
    assert.equal(published.file.keys.length, 2);
    assert.deepEqual(published.file.active, [first], 'the published key does not sign yet');
    assert.equal(published.status?.nextRotationTime, '2026-06-01T02:00:00Z');
    const next = published.file.keys.find((key) => key.kid !== first)?.kid;

    const promoted = await at(120);
    assert.deepEqual(promoted.file.active, [next]);
    assert.equal(promoted.file.keys.length, 2, 'the old key stays published for the retention time');
    assert.equal(promoted.file.cookieKeys.length, 2);
    assert.equal(promoted.status?.nextRotationTime, '2026-06-01T02:30:00Z');

    assert.equal((await at(149)).file.keys.length, 2);
    const retired = await at(150);
    assert.deepEqual(
      retired.file.keys.map((key) => key.kid),
      [next],
    );
    assert.deepEqual(await reasons(), ['KeysGenerated', 'KeyPublished', 'KeyPromoted', 'KeyRetired']);
    assert.equal(retired.status?.conditions?.find((c) => c.type === 'KeysReady')?.status, 'True');
  });

  it('keeps a retiring key for the retention fixed when it stopped signing, whatever the spec says later', async () => {
    await applyManifest(
      api.cp,
      oidcProvider(
        'fixed',
        asApplied,
        withSpec({
          signing: { algorithms: ['ES256'], rotationPeriod: '2h', propagationDelay: '30m' },
          ttl: { idToken: 600, accessToken: 900, clientCredentials: 600, session: 1200 },
        }),
      ),
    );
    const first = (await at(200, 'fixed')).file.active?.[0];
    await at(290, 'fixed');
    const promoted = await at(320, 'fixed');
    assert.notDeepEqual(promoted.file.active, [first]);
    assert.equal(promoted.status?.nextRotationTime, '2026-06-01T05:50:00Z', 'retires 30 min after the promotion');
    // Shorter lifetimes now would give 1 + 10 = 11 minutes: tokens the old key signed were issued under the old ones.
    await kubectl(
      api.cp,
      'patch',
      'oidcp/fixed',
      '--type=merge',
      '-p',
      '{"spec":{"ttl":{"idToken":60,"accessToken":60,"clientCredentials":60,"session":60}}}',
    );
    assert.ok((await at(335, 'fixed')).file.keys.some((key) => key.kid === first));
    assert.ok((await at(349, 'fixed')).file.keys.some((key) => key.kid === first));
    assert.ok(!(await at(350, 'fixed')).file.keys.some((key) => key.kid === first));
  });

  it('retires after the margins the spec configures, recorded when the key stopped signing', async () => {
    await applyManifest(
      api.cp,
      oidcProvider(
        'margins',
        asApplied,
        withSpec({
          signing: {
            algorithms: ['ES256'],
            rotationPeriod: '2h',
            propagationDelay: '30m',
            // Retention: max(ID token, access token, client_credentials, session) + 1 min pods + 30 s skew = 3.5 min.
            retention: { podPropagationMargin: '1m', clockSkewMargin: '30s' },
          },
          ttl: { idToken: 60, accessToken: 60, clientCredentials: 60, session: 120 },
        }),
      ),
    );
    const first = (await at(400, 'margins')).file.active?.[0];
    await at(490, 'margins');
    const promoted = await at(520, 'margins');
    assert.notDeepEqual(promoted.file.active, [first]);
    const secret = await secretOf('margins');
    const state = JSON.parse(secret?.metadata?.annotations?.['kubeoidc.dev/key-rotation'] ?? '{}') as {
      retiring?: { kid: string; since: string; retireAt: string }[];
    };
    assert.deepEqual(state.retiring, [
      { kid: first, since: '2026-06-01T08:40:00.000Z', retireAt: '2026-06-01T08:43:30.000Z' },
    ]);
    assert.equal(promoted.status?.nextRotationTime, '2026-06-01T08:43:30Z');
    // Larger margins now do not move it: the retention was fixed when the key stopped signing.
    await kubectl(
      api.cp,
      'patch',
      'oidcp/margins',
      '--type=merge',
      '-p',
      '{"spec":{"signing":{"retention":{"podPropagationMargin":"2h","clockSkewMargin":"2h"}}}}',
    );
    api.clock.set(Date.UTC(2026, 5, 1) + 523 * MINUTE + 29_000);
    await reconcileProvider(api.deps, 'default', 'margins');
    assert.ok(
      (await keysOf('margins')).file.keys.some((key) => key.kid === first),
      'kept until 3.5 min',
    );
    api.clock.set(Date.UTC(2026, 5, 1) + 523 * MINUTE + 30_000);
    await reconcileProvider(api.deps, 'default', 'margins');
    assert.ok(!(await keysOf('margins')).file.keys.some((key) => key.kid === first), 'removed at 3.5 min');
    assert.deepEqual((await reasons('margins')).slice(-1), ['KeyRetired']);
  });

  it('reports retention margins the operator refuses as InvalidSpec, with a Warning Event, and rotates nothing', async () => {
    await applyManifest(
      api.cp,
      oidcProvider('badmargin', asApplied, withSpec({ signing: { retention: { clockSkewMargin: '25h' } } })),
    );
    await reconcileProvider(api.deps, 'default', 'badmargin');
    const degraded = (await statusOf('badmargin'))?.conditions?.find((c) => c.type === 'Degraded');
    assert.equal(degraded?.status, 'True');
    assert.equal(degraded?.reason, 'InvalidSpec');
    assert.match(degraded?.message ?? '', /signing\.retention\.clockSkewMargin must be at most 24h/);
    const warning = (await events('badmargin')).find((event) => event.reason === 'InvalidSpec');
    assert.equal(warning?.type, 'Warning');
    assert.equal(await secretOf('badmargin'), undefined, 'no keys generated for an invalid spec');
  });

  it('reports an unreadable key Secret as Degraded with a Warning Event and writes nothing to it', async () => {
    const admin = kubeClient(api.cp.kubeConfig());
    const original = await secretOf('rot');
    const keysBefore = (await keysOf('rot')).file;
    const key = keysBefore.keys[0];
    assert.ok(original?.data !== undefined && key !== undefined);
    const encode = (text: string) => Buffer.from(text).toString('base64');
    const broken: [string, string, RegExp][] = [
      ['corrupt JSON', encode('{"keys": ['), /keys\.json is not JSON/],
      [
        'bad key material',
        encode(JSON.stringify({ ...keysBefore, keys: [{ ...key, d: 'AAAA' }, ...keysBefore.keys.slice(1)] })),
        /not a valid private key/,
      ],
    ];
    for (const [label, keysJson, message] of broken) {
      const patched = await admin.request<V1Secret>('PATCH', resourcePath(secretRef('rot-keys')), {
        contentType: MERGE_PATCH,
        body: { data: { 'keys.json': keysJson } },
      });
      api.clock.set(api.clock.now() + MINUTE);
      await reconcileProvider(api.deps, 'default', 'rot');
      const after = await secretOf('rot');
      assert.equal(after?.metadata?.resourceVersion, patched.metadata?.resourceVersion, `${label}: Secret not written`);
      assert.deepEqual(after?.data, patched.data, label);
      const status = await statusOf('rot');
      const degraded = status?.conditions?.find((c) => c.type === 'Degraded');
      assert.equal(degraded?.status, 'True', label);
      assert.equal(degraded?.reason, 'KeysUnreadable', label);
      assert.match(degraded?.message ?? '', message, label);
      assert.equal(status?.conditions?.find((c) => c.type === 'KeysReady')?.reason, 'KeysUnreadable', label);
      assert.equal(status?.conditions?.find((c) => c.type === 'Ready')?.reason, 'KeysUnreadable', label);
      assert.equal(status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'KeysUnreadable', label);
      assert.ok(!(degraded?.message ?? '').includes(key.d ?? '-'), `${label}: no key material in status`);
    }
    const warning = (await events('rot')).find((event) => event.reason === 'KeysUnreadable');
    assert.equal(warning?.type, 'Warning');

    // Repaired by hand: the same keys sign again (a rotation step due meanwhile may add a key, none is replaced).
    await admin.request('PATCH', resourcePath(secretRef('rot-keys')), {
      contentType: MERGE_PATCH,
      body: { data: { 'keys.json': original.data['keys.json'] } },
    });
    api.clock.set(api.clock.now() + MINUTE);
    await reconcileProvider(api.deps, 'default', 'rot');
    const repaired = (await keysOf('rot')).file;
    assert.deepEqual(repaired.active, keysBefore.active);
    for (const kept of keysBefore.keys) assert.ok(repaired.keys.some((k) => k.kid === kept.kid && k.d === kept.d));
    const status = await statusOf('rot');
    assert.equal(status?.conditions?.find((c) => c.type === 'Degraded')?.status, 'False');
    assert.equal(status?.conditions?.find((c) => c.type === 'KeysReady')?.status, 'True');
  });

  it('keeps a key retired after its lifetimes were shortened for the longest lifetime in force while it signed', async () => {
    await applyManifest(
      api.cp,
      oidcProvider(
        'shortened',
        asApplied,
        withSpec({
          signing: { algorithms: ['ES256'], rotationPeriod: '2h', propagationDelay: '30m' },
          ttl: { idToken: 3600, accessToken: 3600, clientCredentials: 3600, session: 1_209_600 },
        }),
      ),
    );
    const first = (await at(600, 'shortened')).file.active?.[0];
    await at(690, 'shortened');
    // While the first key signs, every lifetime is shortened to 60 s: what it signed so far may be presented for 14
    // days more (an ID token as id_token_hint for its session).
    await kubectl(
      api.cp,
      'patch',
      'oidcp/shortened',
      '--type=merge',
      '-p',
      '{"spec":{"ttl":{"idToken":60,"accessToken":60,"clientCredentials":60,"session":60}}}',
    );
    await at(700, 'shortened');
    const promoted = await at(720, 'shortened');
    assert.notDeepEqual(promoted.file.active, [first]);
    const promotedAt = Date.UTC(2026, 5, 1) + 720 * MINUTE;
    const secret = await secretOf('shortened');
    const state = JSON.parse(secret?.metadata?.annotations?.['kubeoidc.dev/key-rotation'] ?? '{}') as {
      retiring?: { kid: string; since: string; retireAt: string }[];
    };
    const retiring = state.retiring?.find((entry) => entry.kid === first);
    assert.ok(retiring, 'the old key is retiring');
    assert.ok(Date.parse(retiring.retireAt) >= promotedAt + 14 * 24 * 60 * MINUTE, `retireAt ${retiring.retireAt}`);
    assert.equal(retiring.retireAt, '2026-06-15T12:10:00.000Z', '14 days + 5 min pods + 5 min skew after 12:00');
    // The 60 s lifetimes would have retired it 11 minutes after the promotion.
    assert.ok((await at(735, 'shortened')).file.keys.some((key) => key.kid === first));
  });
});
