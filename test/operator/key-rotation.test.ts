/**
 * Signing-key rotation through every phase against a real API server, with a manual clock: the reconciler publishes,
 * promotes and retires keys in the Secret on the spec's schedule, reports each step as an Event, and the JWKS in the
 * Secret always contains the keys that sign.
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { apiEventRecorder } from '../../operator/controller/events.ts';
import { kubeClient, type KubeClient } from '../../operator/kube/client.ts';
import type { OIDCProvider } from '../../operator/kube/crds.ts';
import { getObject, listObjects } from '../../operator/kube/resources.ts';
import { discoverCapabilities } from '../../operator/providers/capabilities.ts';
import { generatedKeys } from '../../operator/providers/keys/key-source.ts';
import { reconcileProvider, type ProviderReconcilerDeps } from '../../operator/providers/reconciler.ts';
import { keyFileProblem, type KeyFile } from '../../provider/keys/key-file.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { applyManifest } from '../support/kubectl.ts';
import { asApplied, oidcProvider, withSpec } from './fixtures.ts';

const MINUTE = 60_000;

describe('key rotation on a real API server', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let client: KubeClient;
  let deps: ProviderReconcilerDeps;
  const clock = manualClock(Date.UTC(2026, 5, 1));

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
    client = kubeClient(cp.kubeConfig());
    const capabilities = await discoverCapabilities(client);
    deps = {
      client,
      clock,
      keys: generatedKeys,
      events: apiEventRecorder(client, clock, 'rotation-test', (error) => {
        throw error;
      }),
      capabilities: () => Promise.resolve(capabilities),
    };
  });
  after(async () => {
    await cp?.stop();
  });

  const keysOf = async () => {
    const secret = await getObject<V1Secret>(client, {
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'default',
      name: 'rot-keys',
    });
    const decode = (key: string): unknown => JSON.parse(Buffer.from(secret?.data?.[key] ?? '', 'base64').toString());
    return {
      file: decode('keys.json') as KeyFile,
      jwks: decode('jwks.json') as { keys: { kid: string; d?: string }[] },
    };
  };
  const statusOf = async () =>
    (
      await getObject<OIDCProvider>(client, {
        apiVersion: 'kubeoidc.dev/v1alpha1',
        kind: 'OIDCProvider',
        namespace: 'default',
        name: 'rot',
      })
    )?.status;
  const reasons = async () => {
    const list = await listObjects<
      { reason?: string; regarding?: { name?: string }; eventTime?: string } & KubernetesObject
    >(client, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      namespace: 'default',
    });
    return list.items
      .filter((event) => event.regarding?.name === 'rot' && /^Key/.test(event.reason ?? ''))
      .sort((x, y) => (x.eventTime ?? '').localeCompare(y.eventTime ?? ''))
      .map((event) => event.reason);
  };
  /** Moves the clock, reconciles, and checks that every signing key is in the Secret's JWKS and in status. */
  const at = async (minutes: number) => {
    clock.set(Date.UTC(2026, 5, 1) + minutes * MINUTE);
    await reconcileProvider(deps, 'default', 'rot');
    const { file, jwks } = await keysOf();
    assert.equal(keyFileProblem(file), undefined);
    const published = jwks.keys.map((key) => key.kid);
    for (const kid of file.active ?? []) assert.ok(published.includes(kid), `signing key ${kid} missing from the JWKS`);
    assert.ok(
      jwks.keys.every((key) => key.d === undefined),
      'the JWKS holds public keys only',
    );
    const status = await statusOf();
    assert.deepEqual(status?.activeKeyIds, file.active);
    assert.deepEqual(
      status?.publishedKeyIds,
      file.keys.map((key) => key.kid),
    );
    return { file, status };
  };

  it('publishes, promotes and retires on schedule, one Event per step', async () => {
    await applyManifest(
      cp!,
      oidcProvider(
        'rot',
        asApplied,
        withSpec({
          signing: { algorithms: ['ES256'], rotationPeriod: '2h', propagationDelay: '30m' },
          ttl: { idToken: 600, accessToken: 900 },
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
    assert.equal(promoted.file.keys.length, 2, 'the old key stays published for the longest token lifetime');
    assert.equal(promoted.file.cookieKeys.length, 2);
    assert.equal(promoted.status?.nextRotationTime, '2026-06-01T02:15:00Z');

    assert.equal((await at(134)).file.keys.length, 2);
    const retired = await at(135);
    assert.deepEqual(
      retired.file.keys.map((key) => key.kid),
      [next],
    );
    assert.deepEqual(await reasons(), ['KeysGenerated', 'KeyPublished', 'KeyPromoted', 'KeyRetired']);
    assert.equal(retired.status?.conditions?.find((c) => c.type === 'KeysReady')?.status, 'True');
  });
});
