/**
 * The chart's RBAC is operator/rbac.ts (the rules the operator is tested with in test/operator/rbac.test.ts): the
 * generated template is up to date and the rendered ClusterRole and Role hold exactly those rules, bound to the
 * operator's ServiceAccount.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { clusterRoleRules, leaderElectionRoleRules } from '../../operator/rbac.ts';
import { RBAC_TPL_PATH, renderRbacRulesTpl } from '../../scripts/gen-chart-rbac.ts';
import { helmRenderer, objectOf, renderChart } from '../support/helm-render.ts';

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
});
