/**
 * The OIDCProvider reconciler writes only objects this provider controls, against a real API server: a user's Service
 * or Secret that happens to carry a name the provider needs is left exactly as it was (no field taken over, no owner
 * reference that would let the garbage collector delete it), and the conflict is reported as Degraded/OwnershipConflict
 * with a Warning Event. Names that cannot name the owned objects are refused up front (InvalidSpec).
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject, V1Secret, V1Service } from '@kubernetes/client-node';
import type { OIDCProvider } from '../../operator/kube/crds.ts';
import { getObject, listObjects } from '../../operator/kube/resources.ts';
import { reconcileProvider } from '../../operator/providers/reconciler.ts';
import { applyManifest, kubectl } from '../support/kubectl.ts';
import { asApplied, oidcProvider } from './fixtures.ts';
import { reconcilerOnApiServer } from './reconciler-on-api-server.ts';

const ns = 'default';
const ref = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, namespace: ns, name });
const providerRef = (name: string) => ref('kubeoidc.dev/v1alpha1', 'OIDCProvider', name);

describe('OIDCProvider ownership on a real API server', { timeout: 180_000 }, () => {
  const api = reconcilerOnApiServer('ownership-test');

  const condition = async (name: string, type: string) =>
    (await getObject<OIDCProvider>(api.client, providerRef(name)))?.status?.conditions?.find((c) => c.type === type);
  const warnings = async (name: string) =>
    (
      await listObjects<{ reason?: string; type?: string; regarding?: { name?: string } } & KubernetesObject>(
        api.client,
        {
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          namespace: ns,
        },
      )
    ).items
      .filter((event) => event.regarding?.name === name && event.type === 'Warning')
      .map((event) => event.reason);
  const managers = (object: KubernetesObject | undefined) =>
    (object?.metadata?.managedFields ?? []).map((entry) => entry.manager);

  it("refuses a user's Service of the provider's name: untouched, Degraded/OwnershipConflict, Warning Event", async () => {
    await applyManifest(api.cp, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shared', namespace: ns, labels: { owner: 'user' } },
      spec: { selector: { app: 'user-app' }, ports: [{ port: 8080 }] },
    });
    const userService = await getObject<V1Service>(api.client, ref('v1', 'Service', 'shared'));
    await applyManifest(api.cp, oidcProvider('shared', asApplied));
    await reconcileProvider(api.deps, ns, 'shared');

    const service = await getObject<V1Service>(api.client, ref('v1', 'Service', 'shared'));
    assert.equal(service?.metadata?.resourceVersion, userService?.metadata?.resourceVersion, 'not written');
    assert.equal(service?.metadata?.ownerReferences, undefined, 'no owner reference for the garbage collector');
    assert.ok(!managers(service).includes('kubeoidc-operator'));
    assert.deepEqual(service?.spec?.selector, { app: 'user-app' });
    const degraded = await condition('shared', 'Degraded');
    assert.equal(degraded?.status, 'True');
    assert.equal(degraded?.reason, 'OwnershipConflict');
    assert.match(degraded?.message ?? '', /Service shared exists and is not controlled by this OIDCProvider/);
    assert.equal((await condition('shared', 'Ready'))?.reason, 'OwnershipConflict');
    assert.equal((await condition('shared', 'Ready'))?.status, 'False');
    assert.equal((await condition('shared', 'Progressing'))?.reason, 'OwnershipConflict');
    assert.ok((await warnings('shared')).includes('OwnershipConflict'));
    assert.equal(await getObject(api.client, ref('apps/v1', 'Deployment', 'shared')), undefined, 'nothing applied');
    assert.equal(await getObject(api.client, ref('v1', 'Secret', 'shared-keys')), undefined, 'nothing applied');

    // Once the user's Service is gone, the provider takes the name.
    await kubectl(api.cp, 'delete', 'service', 'shared', '-n', ns);
    await reconcileProvider(api.deps, ns, 'shared');
    const owned = await getObject<V1Service>(api.client, ref('v1', 'Service', 'shared'));
    const uid = (await getObject<OIDCProvider>(api.client, providerRef('shared')))?.metadata.uid;
    assert.equal(owned?.metadata?.ownerReferences?.[0]?.uid, uid);
    assert.equal((await condition('shared', 'Degraded'))?.status, 'False');
  });

  it('refuses a key Secret another controller owns and neither reads nor writes it', async () => {
    await applyManifest(api.cp, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'someone-else', namespace: ns },
    });
    const other = await getObject<KubernetesObject>(api.client, ref('v1', 'ConfigMap', 'someone-else'));
    await applyManifest(api.cp, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'taken-keys',
        namespace: ns,
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: 'someone-else',
            uid: other?.metadata?.uid ?? '',
            controller: true,
          },
        ],
      },
      stringData: { 'keys.json': 'not ours' },
    });
    const before = await getObject<V1Secret>(api.client, ref('v1', 'Secret', 'taken-keys'));
    await applyManifest(api.cp, oidcProvider('taken', asApplied));
    await reconcileProvider(api.deps, ns, 'taken');
    const after = await getObject<V1Secret>(api.client, ref('v1', 'Secret', 'taken-keys'));
    assert.equal(after?.metadata?.resourceVersion, before?.metadata?.resourceVersion);
    const degraded = await condition('taken', 'Degraded');
    assert.equal(degraded?.reason, 'OwnershipConflict', 'not KeysUnreadable: the Secret is not read at all');
    assert.match(degraded?.message ?? '', /Secret taken-keys is controlled by ConfigMap someone-else/);
    assert.equal(await getObject(api.client, ref('apps/v1', 'Deployment', 'taken')), undefined);
  });

  it('refuses names that cannot name the Service or be a label value (InvalidSpec), creating nothing', async () => {
    for (const name of ['dotted.name', '1leading-digit', `a${'b'.repeat(63)}`]) {
      await applyManifest(api.cp, oidcProvider(name, asApplied));
      await reconcileProvider(api.deps, ns, name);
      const degraded = await condition(name, 'Degraded');
      assert.equal(degraded?.reason, 'InvalidSpec', name);
      assert.match(degraded?.message ?? '', /metadata\.name .*(DNS-1035 label|longer than 63)/, name);
      assert.equal(await getObject(api.client, ref('v1', 'Secret', `${name}-keys`)), undefined, name);
      assert.ok((await warnings(name)).includes('InvalidSpec'), name);
    }
  });
});
