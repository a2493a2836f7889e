/**
 * User story: a platform engineer lets the provider reach a team's in-cluster JWKS (`spec.outbound.allow`) and lets an
 * API gateway introspect every token (`spec.features.introspection.allowedClients`) with kubectl alone. Against a real
 * API server (kube-apiserver 1.20 + etcd) and the operator: the CRD keeps both fields (nothing pruned), the operator
 * renders them into the provider's configuration, an entry the CRD's pattern lets through but the provider would refuse
 * is reported as InvalidSpec naming the option, and a malformed one is refused by the API server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { KubeClient } from '../../operator/kube/client.ts';
import type { OIDCProvider } from '../../operator/kube/crds.ts';
import { getObject } from '../../operator/kube/resources.ts';
import { startOperator, type RunningOperator } from '../../operator/operator.ts';
import type { ProviderConfig } from '../../provider/config/options.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { applyManifest } from '../support/kubectl.ts';
import { eventually, testLog } from './support.ts';

const ns = 'default';
const providerManifest = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'kubeoidc.dev/v1alpha1',
  kind: 'OIDCProvider',
  metadata: { name, namespace: ns },
  spec: { issuer: 'https://login.example.com', redis: { url: 'redis://redis:6379' }, ...spec },
});

describe(
  'OIDCProvider outbound.allow and introspection.allowedClients on a real API server',
  { timeout: 120_000 },
  () => {
    let cp: ControlPlane | undefined;
    let operator: RunningOperator | undefined;
    let kube: KubeClient;
    const log = testLog();

    before(async () => {
      cp = await startControlPlane();
      await installCrds(cp);
      operator = await startOperator({
        kubeConfig: cp.kubeConfig(),
        identity: 'outbound-test',
        leaseNamespace: ns,
        leaseTiming: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 500 },
        healthPort: 0,
        healthHost: '127.0.0.1',
        discoveryTtlMs: 0,
        log,
      });
      kube = operator.client;
    });
    after(async () => {
      await operator?.stop();
      await cp?.stop();
    });

    it('renders both lists into the provider configuration', async () => {
      await applyManifest(
        cp!,
        providerManifest('edge', {
          outbound: { allow: ['10.42.0.0/16', 'fd00::/8', 'jwks.team-a.svc.cluster.local'] },
          features: { introspection: { enabled: true, allowedClients: ['api-gateway'] } },
        }),
      );
      const configMap = await eventually('the ConfigMap of edge', () =>
        getObject<V1ConfigMap>(kube, { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'edge-config' }),
      );
      const config = parse(configMap.data?.['config.yaml'] ?? '') as ProviderConfig;
      assert.deepEqual(config.outbound.allow, ['10.42.0.0/16', 'fd00::/8', 'jwks.team-a.svc.cluster.local']);
      assert.deepEqual(config.features.introspection, { enabled: true, allowedClients: ['api-gateway'] });
    });

    it('reports an entry the provider would refuse as InvalidSpec, and the API server refuses a malformed one', async () => {
      await applyManifest(cp!, providerManifest('bad-edge', { outbound: { allow: ['10.0.0.0/40'] } }));
      const degraded = await eventually('bad-edge Degraded', async () => {
        const provider = await getObject<OIDCProvider>(kube, {
          apiVersion: 'kubeoidc.dev/v1alpha1',
          kind: 'OIDCProvider',
          namespace: ns,
          name: 'bad-edge',
        });
        return provider?.status?.conditions?.find((c) => c.type === 'Degraded' && c.reason === 'InvalidSpec');
      });
      assert.match(degraded.message, /outbound\.allow\[0\]/);
      assert.equal(
        await getObject(kube, { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'bad-edge-config' }),
        undefined,
      );
      await assert.rejects(
        applyManifest(cp!, providerManifest('worse-edge', { outbound: { allow: ['http://10.0.0.1 '] } })),
        /outbound\.allow/,
      );
    });
  },
);
