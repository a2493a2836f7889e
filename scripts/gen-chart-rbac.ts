/**
 * Generates charts/kubeoidc/templates/_rbac-rules.tpl from operator/rbac.ts, so the chart's ClusterRole and Role
 * always hold exactly the rules the operator is tested with (`test/operator/rbac.test.ts`). `test/charts/rbac.test.ts`
 * fails when the checked-in file is stale.
 *
 *   node scripts/gen-chart-rbac.ts           # rewrite the template
 *   node scripts/gen-chart-rbac.ts --check   # exit 1 if it is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clusterRoleRules, leaderElectionRoleRules, type PolicyRule } from '../operator/rbac.ts';

/** The generated template's path. */
export const RBAC_TPL_PATH = fileURLToPath(new URL('../charts/kubeoidc/templates/_rbac-rules.tpl', import.meta.url));

// JSON arrays are YAML flow sequences with every string quoted, so the core group "" survives any YAML parser.
function rulesYaml(rules: readonly PolicyRule[]): string {
  return rules
    .map(
      (rule) =>
        `- apiGroups: ${JSON.stringify(rule.apiGroups)}\n` +
        `  resources: ${JSON.stringify(rule.resources)}\n` +
        `  verbs: ${JSON.stringify(rule.verbs)}`,
    )
    .join('\n');
}

/** The template text: two named templates, `kubeoidc.clusterRoleRules` and `kubeoidc.leaderElectionRoleRules`. */
export function renderRbacRulesTpl(): string {
  return [
    '{{/* Generated from operator/rbac.ts by `node scripts/gen-chart-rbac.ts`. Do not edit: a test fails when stale. */}}',
    '',
    '{{/* Rules of the reconcilers: the ClusterRole, or the Role in operator.watchNamespace (clusterRoleRules). */}}',
    '{{- define "kubeoidc.clusterRoleRules" -}}',
    rulesYaml(clusterRoleRules),
    '{{- end -}}',
    '',
    '{{/* Rules of the Role in the release namespace: the leader-election Lease (leaderElectionRoleRules). */}}',
    '{{- define "kubeoidc.leaderElectionRoleRules" -}}',
    rulesYaml(leaderElectionRoleRules),
    '{{- end -}}',
    '',
  ].join('\n');
}

if (import.meta.main) {
  const rendered = renderRbacRulesTpl();
  if (process.argv.includes('--check')) {
    if (readFileSync(RBAC_TPL_PATH, 'utf8') !== rendered) {
      process.stderr.write(`${RBAC_TPL_PATH} is stale: run node scripts/gen-chart-rbac.ts\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(RBAC_TPL_PATH, rendered);
    process.stdout.write(`wrote ${RBAC_TPL_PATH}\n`);
  }
}
