/**
 * The chart's RBAC is operator/rbac.ts (the rules the operator is tested with in test/operator/rbac.test.ts): the
 * generated template is up to date and the rendered ClusterRole and Role hold exactly those rules, bound to the
 * operator's ServiceAccount. With `operator.watchNamespace` the reconcilers' rules are a Role in that namespace and
 * nothing cluster-wide is bound.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { clusterRoleRules, leaderElectionRoleRules } from '../../operator/rbac.ts';
import { RBAC_TPL_PATH, renderRbacRulesTpl } from '../../scripts/gen-chart-rbac.ts';
import { helmRenderer, objectOf, renderChart } from '../support/helm-render.ts';

const FULL_VALUES = fileURLToPath(new URL('./values-full.yaml', import.meta.url));

interface Binding {
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace: string }[];
}

describe('chart RBAC', () => {
  it('charts/kubeoidc/templates/_rbac-rules.tpl is generated from operator/rbac.ts (run node scripts/gen-chart-rbac.ts)', () => {
    assert.equal(readFileSync(RBAC_TPL_PATH, 'utf8'), renderRbacRulesTpl());
  });

  it('the rendered ClusterRole and Role hold exactly the rules of operator/rbac.ts, bound to the ServiceAccount', (t) => {
    const renderer = helmRenderer();
    if (!renderer.ok) {
      t.skip(renderer.reason);
      return;
    }
    const release = renderChart(renderer.binary, { releaseName: 'kubeoidc', namespace: 'identity' });
    const clusterRole = objectOf(release, 'ClusterRole');
    const role = objectOf(release, 'Role');
    assert.deepEqual(clusterRole['rules'], clusterRoleRules);
    assert.deepEqual(role['rules'], leaderElectionRoleRules);
    assert.equal(role.metadata.namespace, 'identity');
    const account = objectOf(release, 'ServiceAccount');
    for (const [bindingKind, roleObject] of [
      ['ClusterRoleBinding', clusterRole],
      ['RoleBinding', role],
    ] as const) {
      const binding = objectOf(release, bindingKind) as unknown as Binding;
      assert.deepEqual(binding.roleRef, {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: roleObject.kind,
        name: roleObject.metadata.name,
      });
      assert.deepEqual(binding.subjects, [
        { kind: 'ServiceAccount', name: account.metadata.name, namespace: 'identity' },
      ]);
    }
    // Two releases in different namespaces must not share cluster-scoped names.
    assert.match(clusterRole.metadata.name, /identity/);
  });

  it('with operator.watchNamespace: a Role and RoleBinding in that namespace, no ClusterRole', (t) => {
    const renderer = helmRenderer();
    if (!renderer.ok) {
      t.skip(renderer.reason);
      return;
    }
    // values-full.yaml sets operator.watchNamespace: apps.
    const release = renderChart(renderer.binary, {
      releaseName: 'oidc',
      namespace: 'identity',
      valuesFiles: [FULL_VALUES],
    });
    assert.deepEqual(
      release.objects.filter((o) => o.kind.startsWith('Cluster')),
      [],
      'nothing cluster-wide',
    );
    const role = objectOf(release, 'Role', 'oidc-operator');
    assert.equal(role.metadata.namespace, 'apps');
    assert.deepEqual(role['rules'], clusterRoleRules);
    const binding = objectOf(release, 'RoleBinding', 'oidc-operator') as unknown as Binding & {
      metadata: { namespace: string };
    };
    assert.equal(binding.metadata.namespace, 'apps');
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'oidc-operator' });
    const account = objectOf(release, 'ServiceAccount');
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: account.metadata.name, namespace: 'identity' },
    ]);
    const lease = objectOf(release, 'Role', 'oidc-operator-leader-election');
    assert.equal(lease.metadata.namespace, 'identity');
    assert.deepEqual(lease['rules'], leaderElectionRoleRules);
  });
});
