/**
 * The OIDCProvider reconciler against a real API server (kube-apiserver 1.20 + etcd, no controller-manager): a
 * platform engineer applies an OIDCProvider and gets its ConfigMap, key Secret, Deployment, Service and PDB; scaling,
 * Deployment status, hand edits and spec changes are followed.
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject, V1ConfigMap, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { MERGE_PATCH, type KubeClient } from '../../operator/kube/client.ts';
import type { OIDCProvider } from '../../operator/kube/crds.ts';
import { getObject, resourcePath } from '../../operator/kube/resources.ts';
import { startOperator, type RunningOperator } from '../../operator/operator.ts';
import { CONFIG_CHECKSUM_ANNOTATION } from '../../operator/providers/render/meta.ts';
import type { KeyFile } from '../../provider/keys/key-file.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { applyManifest, kubectl } from '../support/kubectl.ts';
import { oidcProvider, asApplied, withSpec } from './fixtures.ts';
import { eventually, sampleProvider, testLog, testOperatorOptions } from './support.ts';

const ns = 'default';
/** The Prometheus Operator's ServiceMonitor CRD, reduced to what the API server needs to serve the kind. */
const serviceMonitorCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'servicemonitors.monitoring.coreos.com' },
  spec: {
    group: 'monitoring.coreos.com',
    scope: 'Namespaced',
    names: {
      kind: 'ServiceMonitor',
      listKind: 'ServiceMonitorList',
      plural: 'servicemonitors',
      singular: 'servicemonitor',
    },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};
const providerRef = (name: string) => ({
  apiVersion: 'kubeoidc.dev/v1alpha1',
  kind: 'OIDCProvider',
  namespace: ns,
  name,
});
const ref = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, namespace: ns, name });

describe('OIDCProvider reconciler on a real API server', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let operator: RunningOperator | undefined;
  let client: KubeClient;
  const log = testLog();

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
    operator = await startOperator(
      testOperatorOptions(cp.kubeConfig(), 'operator-test', log, {
        discoveryTtlMs: 0,
      }),
    );
    client = operator.client;
  });
  after(async () => {
    await operator?.stop();
    await cp?.stop();
  });

  const provider = () => getObject<OIDCProvider>(client, providerRef('minimal'));
  const deployment = () => getObject<V1Deployment>(client, ref('apps/v1', 'Deployment', 'minimal'));

  it('creates the owned objects of the minimal sample with owner references and the expected content', async () => {
    await applyManifest(cp!, sampleProvider('oidcprovider-minimal.yaml'));
    const uid = (await provider())?.metadata.uid;
    const owned: [string, string, string][] = [
      ['v1', 'ConfigMap', 'minimal-config'],
      ['v1', 'Secret', 'minimal-keys'],
      ['apps/v1', 'Deployment', 'minimal'],
      ['v1', 'Service', 'minimal'],
      ['policy/v1beta1', 'PodDisruptionBudget', 'minimal'],
    ];
    for (const [apiVersion, kind, name] of owned) {
      const object = await eventually(`${kind} ${name}`, () =>
        getObject<KubernetesObject>(client, ref(apiVersion, kind, name)),
      );
      assert.deepEqual(object.metadata?.ownerReferences, [
        {
          apiVersion: 'kubeoidc.dev/v1alpha1',
          kind: 'OIDCProvider',
          name: 'minimal',
          uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    const config = parse(
      (await getObject<V1ConfigMap>(client, ref('v1', 'ConfigMap', 'minimal-config')))?.data?.['config.yaml'] ?? '',
    ) as {
      issuer: string;
      storage: { url: string };
    };
    assert.equal(config.issuer, 'https://login.example.com');
    assert.equal(config.storage.url, 'redis://redis.kubeoidc.svc:6379');
    const secret = await getObject<V1Secret>(client, ref('v1', 'Secret', 'minimal-keys'));
    const file = JSON.parse(Buffer.from(secret?.data?.['keys.json'] ?? '', 'base64').toString()) as KeyFile;
    assert.deepEqual(file.keys.map((key) => key.alg).sort(), ['ES256', 'RS256']);
    const dep = await deployment();
    assert.equal(dep?.spec?.replicas, 2);
    assert.deepEqual(dep?.spec?.template.spec?.containers[0]?.args, ['provider']);

    const status = await eventually('status with keys', async () => {
      const p = await provider();
      return p?.status?.activeKeyIds?.length === 2 ? p.status : undefined;
    });
    assert.deepEqual([...(status.activeKeyIds ?? [])].sort(), [...(file.active ?? [])].sort());
    assert.equal(status.issuer, 'https://login.example.com');
    assert.equal(status.observedGeneration, 1);
    assert.equal(
      status.selector,
      'app.kubernetes.io/name=kubeoidc,app.kubernetes.io/instance=minimal,app.kubernetes.io/component=provider',
    );
    assert.equal(status.conditions?.find((c) => c.type === 'KeysReady')?.status, 'True');
    assert.equal(status.conditions?.find((c) => c.type === 'Ready')?.reason, 'ReplicasNotReady');
  });

  it('follows kubectl scale through the scale subresource', async () => {
    await kubectl(cp!, 'scale', 'oidcp/minimal', '--replicas=5');
    await eventually('Deployment with 5 replicas', async () => (await deployment())?.spec?.replicas === 5);
  });

  it('reports the Deployment status in conditions and readyReplicas', async () => {
    const writeDeploymentStatus = async (ready: number) => {
      const dep = await deployment();
      const generation = dep?.metadata?.generation ?? 1;
      await client.request('PATCH', resourcePath(ref('apps/v1', 'Deployment', 'minimal'), 'status'), {
        contentType: MERGE_PATCH,
        body: {
          status: {
            observedGeneration: generation,
            replicas: 5,
            updatedReplicas: 5,
            readyReplicas: ready,
            availableReplicas: ready,
          },
        },
      });
    };
    await writeDeploymentStatus(3);
    let status = await eventually('readyReplicas 3', async () =>
      (await provider())?.status?.readyReplicas === 3 ? (await provider())?.status : undefined,
    );
    assert.equal(status.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    const notReadySince = status.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    await writeDeploymentStatus(5);
    status = await eventually('Ready', async () => {
      const s = (await provider())?.status;
      return s?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? s : undefined;
    });
    assert.equal(status.readyReplicas, 5);
    assert.equal(status.replicas, 5);
    assert.equal(status.conditions?.find((c) => c.type === 'Progressing')?.reason, 'RolloutComplete');
    assert.equal(status.conditions?.find((c) => c.type === 'Degraded')?.status, 'False');
    assert.ok((status.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '') >= (notReadySince ?? ''));
    const printed = await kubectl(cp!, 'get', 'oidcp', 'minimal', '--no-headers');
    assert.match(printed, /^minimal\s+True\s+5\s+5\s+https:\/\/login\.example\.com/);
  });

  it('does not write status or owned objects again when nothing changed', async () => {
    const versions = async () =>
      Promise.all([
        provider().then((p) => p?.metadata.resourceVersion),
        deployment().then((d) => d?.metadata?.resourceVersion),
        getObject(client, ref('v1', 'Secret', 'minimal-keys')).then((s) => s?.metadata?.resourceVersion),
      ]);
    const reconciles = async () => {
      const text = await (await fetch(`http://127.0.0.1:${operator!.healthPort}/metrics`)).text();
      return Number(
        /kubeoidc_operator_reconcile_total\{kind="OIDCProvider",result="success"\} (\d+)/.exec(text)?.[1] ?? 0,
      );
    };
    await sleep(500);
    const before = await versions();
    const count = await reconciles();
    // Level-based reconciles of an unchanged provider, triggered through an owned object: a label nobody manages.
    await kubectl(cp!, 'label', 'configmap/minimal-config', 'touched=yes');
    await eventually('a reconcile', async () => (await reconciles()) > count);
    await sleep(1000);
    assert.deepEqual(await versions(), before, 'neither status nor owned objects were rewritten');
  });

  it('reverts hand edits of owned objects', async () => {
    await kubectl(
      cp!,
      'patch',
      'configmap',
      'minimal-config',
      '--type=merge',
      '-p',
      '{"data":{"config.yaml":"issuer: https://evil.example.com\\n"}}',
    );
    await kubectl(cp!, 'scale', 'deployment/minimal', '--replicas=1');
    await eventually('ConfigMap reverted', async () => {
      const cm = await getObject<V1ConfigMap>(client, ref('v1', 'ConfigMap', 'minimal-config'));
      return cm?.data?.['config.yaml']?.includes('issuer: https://login.example.com');
    });
    await eventually('Deployment replicas reverted', async () => (await deployment())?.spec?.replicas === 5);
  });

  it('rolls the config checksum when the spec changes the configuration', async () => {
    const checksum = async () =>
      (await deployment())?.spec?.template.metadata?.annotations?.[CONFIG_CHECKSUM_ANNOTATION];
    const before = await checksum();
    assert.match(before ?? '', /^[0-9a-f]{64}$/);
    await kubectl(cp!, 'patch', 'oidcp/minimal', '--type=merge', '-p', '{"spec":{"ttl":{"accessToken":600}}}');
    const after = await eventually('new checksum', async () => {
      const value = await checksum();
      return value !== before ? value : undefined;
    });
    assert.match(after, /^[0-9a-f]{64}$/);
    const status = await eventually('status of the new generation', async () => {
      const p = await provider();
      return p?.status?.observedGeneration === p?.metadata.generation ? p?.status : undefined;
    });
    assert.equal(
      status.conditions?.find((c) => c.type === 'Progressing')?.status,
      'True',
      'the new template is rolling out',
    );
  });

  it('reports a spec the old server cannot reject (CEL rules) as Degraded/InvalidSpec and applies nothing', async () => {
    const invalid = oidcProvider(
      'invalid',
      asApplied,
      withSpec({ signing: { rotationPeriod: '1h', propagationDelay: '2h' } }),
    );
    await applyManifest(cp!, invalid);
    const status = await eventually('InvalidSpec', async () => {
      const s = (await getObject<OIDCProvider>(client, providerRef('invalid')))?.status;
      return s?.conditions?.find((c) => c.type === 'Degraded')?.reason === 'InvalidSpec' ? s : undefined;
    });
    assert.equal(status.conditions?.find((c) => c.type === 'Degraded')?.status, 'True');
    assert.match(
      status.conditions?.find((c) => c.type === 'Degraded')?.message ?? '',
      /propagationDelay must be shorter/,
    );
    assert.equal(await getObject(client, ref('apps/v1', 'Deployment', 'invalid')), undefined);
    const events = await kubectl(
      cp!,
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=invalid',
      '-o',
      'jsonpath={.items[*].reason}',
    );
    assert.match(events, /InvalidSpec/);
  });

  it('renders the HPA in the version the server serves, a ServiceMonitor once its CRD exists, and prunes them', async () => {
    await applyManifest(cp!, sampleProvider('oidcprovider-production.yaml'));
    const hpaRef = ref('autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'login');
    const monitorRef = ref('monitoring.coreos.com/v1', 'ServiceMonitor', 'login');
    const hpa = await eventually('HPA', () =>
      getObject<KubernetesObject & { spec: { scaleTargetRef: unknown; maxReplicas: number } }>(client, hpaRef),
    );
    assert.deepEqual(hpa.spec.scaleTargetRef, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCProvider',
      name: 'login',
    });
    assert.equal(hpa.spec.maxReplicas, 12);
    const ingress = await eventually('Ingress', () =>
      getObject<KubernetesObject & { spec: { rules: { host: string }[] } }>(
        client,
        ref('networking.k8s.io/v1', 'Ingress', 'login'),
      ),
    );
    assert.equal(ingress.spec.rules[0]?.host, 'login.example.com');
    const status = await eventually(
      'login status',
      async () => (await getObject<OIDCProvider>(client, providerRef('login')))?.status,
    );
    assert.equal(status.conditions?.find((c) => c.type === 'Degraded')?.status, 'False');
    assert.equal(status.activeKeyIds?.length, 3, 'RS256, ES256 and PS256 keys');

    await applyManifest(cp!, serviceMonitorCrd);
    await kubectl(cp!, 'wait', '--for=condition=Established', 'crd/servicemonitors.monitoring.coreos.com');
    await kubectl(cp!, 'label', 'oidcp/login', 'monitoring=installed');
    const monitor = await eventually('ServiceMonitor', () => getObject<KubernetesObject>(client, monitorRef));
    assert.equal(monitor.metadata?.labels?.['release'], 'prometheus');
    assert.equal(monitor.metadata?.ownerReferences?.[0]?.name, 'login');

    await kubectl(
      cp!,
      'patch',
      'oidcp/login',
      '--type=merge',
      '-p',
      '{"spec":{"autoscaling":{"enabled":false},"serviceMonitor":{"enabled":false}}}',
    );
    await eventually(
      'HPA and ServiceMonitor removed',
      async () =>
        (await getObject(client, hpaRef)) === undefined && (await getObject(client, monitorRef)) === undefined,
    );
  });

  it('exposes reconcile metrics and health endpoints', async () => {
    const base = `http://127.0.0.1:${operator!.healthPort}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /kubeoidc_operator_reconcile_total\{kind="OIDCProvider",result="success"\} [1-9]/);
    assert.match(metrics, /kubeoidc_operator_reconcile_duration_seconds_count\{kind="OIDCProvider"\} [1-9]/);
    assert.match(metrics, /kubeoidc_operator_workqueue_depth\{kind="OIDCProvider"\} 0/);
    assert.match(metrics, /kubeoidc_operator_leader 1/);
    assert.deepEqual(
      log.errors.filter((e) => !/InvalidSpec/.test(e)),
      [],
    );
  });
});
