/**
 * The rendered chart is accepted by a real kube-apiserver (test/support/control-plane.ts): the CRDs, then every
 * object of the default and the full release, applied with kubectl as `helm install` would create them; the
 * operator's ServiceAccount then holds exactly the permissions it needs. The Prometheus Operator's kinds
 * (ServiceMonitor, PrometheusRule) are checked only where their CRDs are served: they are not available offline.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { helmRenderer, renderChart, type RenderedObject } from '../support/helm-render.ts';
import { applyManifest, kubectl, runKubectl } from '../support/kubectl.ts';

const FULL_VALUES = fileURLToPath(new URL('./values-full.yaml', import.meta.url));
const PROMETHEUS_OPERATOR_KINDS = new Set(['ServiceMonitor', 'PrometheusRule']);

/** `watchNamespace`: the one namespace the operator watches (values-full.yaml sets operator.watchNamespace). */
const releases = [
  {
    label: 'default values',
    releaseName: 'kubeoidc',
    namespace: 'kubeoidc',
    valuesFiles: [] as string[],
    watchNamespace: undefined,
  },
  {
    label: 'values-full.yaml',
    releaseName: 'oidc',
    namespace: 'identity',
    valuesFiles: [FULL_VALUES],
    watchNamespace: 'apps',
  },
];

describe('chart applied to a real API server', { timeout: 240_000 }, () => {
  const renderer = helmRenderer();
  let cp: ControlPlane | undefined;
  let monitoringServed = false;

  before(async () => {
    if (!renderer.ok) return;
    cp = await startControlPlane();
    // The same bytes as charts/kubeoidc/crds/ (test/charts/crds.test.ts); installCrds waits until kubectl can
    // validate the kinds.
    await installCrds(cp);
    const groups = await kubectl(cp, 'api-versions');
    monitoringServed = groups.split('\n').includes('monitoring.coreos.com/v1');
  });
  after(async () => {
    await cp?.stop();
  });

  const skipWithoutRenderer = (t: TestContext): boolean => {
    if (renderer.ok) return false;
    t.skip(renderer.reason);
    return true;
  };

  for (const release of releases) {
    it(`${release.label}: every object is created, then applies again unchanged (upgrade)`, async (t) => {
      if (skipWithoutRenderer(t) || !renderer.ok) return;
      const { objects } = renderChart(renderer.binary, release);
      await kubectl(cp!, 'create', 'namespace', release.namespace);
      // The reconcilers' Role of a namespaced install goes into the watched namespace, which must exist.
      if (release.watchNamespace !== undefined) await kubectl(cp!, 'create', 'namespace', release.watchNamespace);
      // A real cluster's controller-manager creates each namespace's `default` ServiceAccount; this one has none,
      // and the helm test Pod runs as `default`.
      await kubectl(cp!, 'create', 'serviceaccount', 'default', '-n', release.namespace);
      const applicable = objects.filter((o) => monitoringServed || !PROMETHEUS_OPERATOR_KINDS.has(o.kind));
      const out = await applyManifest(cp!, applicable);
      for (const object of applicable) assert.match(out, new RegExp(`/${object.metadata.name} created`), object.kind);
      const again = await applyManifest(cp!, applicable);
      assert.doesNotMatch(again, /created/);
      // Read back what the server stored: the operator Deployment with its security context.
      const deployment = applicable.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-operator'));
      assert.ok(deployment);
      const live = JSON.parse(
        await kubectl(cp!, 'get', 'deployment', deployment.metadata.name, '-n', release.namespace, '-o', 'json'),
      ) as { spec: { template: { spec: { containers: { securityContext: Record<string, unknown> }[] } } } };
      assert.equal(live.spec.template.spec.containers[0]?.securityContext['readOnlyRootFilesystem'], true);
    });

    it(`${release.label}: the operator ServiceAccount may do what operator/rbac.ts grants, and no more`, async (t) => {
      if (skipWithoutRenderer(t) || !renderer.ok) return;
      const { objects } = renderChart(renderer.binary, release);
      const account = objects.find((o: RenderedObject) => o.kind === 'ServiceAccount');
      assert.ok(account);
      const as = `system:serviceaccount:${release.namespace}:${account.metadata.name}`;
      const can = async (...args: string[]): Promise<boolean> => {
        const result = await runKubectl(cp!, ['auth', 'can-i', '--as', as, ...args]);
        return result.stdout.trim() === 'yes';
      };
      // Every namespace without watchNamespace; only that one with it.
      const clusterWide = release.watchNamespace === undefined;
      assert.equal(await can('watch', 'oidcproviders.kubeoidc.dev', '--all-namespaces'), clusterWide);
      assert.equal(await can('watch', 'secrets', '-n', 'default'), clusterWide);
      assert.equal(await can('patch', 'oidcproviders.kubeoidc.dev', '--subresource=status', '-n', 'apps'), true);
      assert.equal(await can('update', 'oidcproviders.kubeoidc.dev', '--subresource=status', '-n', 'apps'), false);
      assert.equal(await can('get', 'oidcclients.kubeoidc.dev', '--subresource=status', '-n', 'apps'), false);
      assert.equal(await can('patch', 'deployments.apps', '-n', 'apps'), true);
      assert.equal(await can('create', 'events.events.k8s.io', '-n', 'apps'), true);
      assert.equal(await can('update', 'leases.coordination.k8s.io', '-n', release.namespace), true);
      // The Lease only in the operator's namespace; nothing it was not given.
      assert.equal(await can('update', 'leases.coordination.k8s.io', '-n', 'default'), false);
      // The OIDCClient finalizer deletes its registration Secret; nothing else is deleted but PDBs and optional objects.
      assert.equal(await can('delete', 'secrets', '-n', 'apps'), true);
      assert.equal(await can('delete', 'configmaps', '-n', 'apps'), false);
      assert.equal(await can('get', 'events.events.k8s.io', '-n', 'apps'), true);
      assert.equal(await can('update', 'oidcproviders.kubeoidc.dev', '-n', 'apps'), false);
      assert.equal(await can('create', 'clusterroles.rbac.authorization.k8s.io'), false);
    });
  }

  it('ServiceMonitor and PrometheusRule are accepted by the API server', async (t) => {
    if (skipWithoutRenderer(t) || !renderer.ok) return;
    if (!monitoringServed) {
      t.skip(
        'monitoring.coreos.com/v1 not served: the Prometheus Operator CRDs are not available offline; ' +
          'the PrometheusRule rules are checked by promtool in test/alerts/alerts.test.ts',
      );
      return;
    }
    const { objects } = renderChart(renderer.binary, releases[1]);
    await applyManifest(
      cp!,
      objects.filter((o) => PROMETHEUS_OPERATOR_KINDS.has(o.kind)),
      '--dry-run=server',
    );
  });
});
