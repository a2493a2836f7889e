/**
 * The alerts of the chart's PrometheusRule: rendered from the chart (as Helm would), checked with `promtool check
 * rules`, and unit-tested with `promtool test rules` against charts/kubeoidc/tests/alerts.test.yaml, which fires and
 * clears every alert. Each alert has a severity, a summary, a description and a runbook section in docs/alerts.md,
 * and uses only metrics the provider and operator really export. Skips (saying why) without promtool or Go.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { parse, stringify } from 'yaml';
import { CHART_DIR, helmRenderer, objectOf, renderChart } from '../support/helm-render.ts';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface RuleSpec {
  groups: { name: string; rules: AlertRule[] }[];
}

const UNIT_TESTS = join(CHART_DIR, 'tests', 'alerts.test.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'kubeoidc-helmchart-alerts-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const promtoolMissing = spawnSync('promtool', ['--version']).status !== 0;
const PROMTOOL_REASON = 'promtool not installed: apt-get install prometheus (see .ci/run)';

/** The PrometheusRule's spec rendered with extra values, or undefined (test skipped) without the renderer. */
function renderRules(t: TestContext, values: object = {}): RuleSpec | undefined {
  const renderer = helmRenderer();
  if (!renderer.ok) {
    t.skip(renderer.reason);
    return undefined;
  }
  const file = join(scratch, `values-${String(Math.random()).slice(2)}.yaml`);
  writeFileSync(file, JSON.stringify({ prometheusRule: { enabled: true }, ...values }));
  const release = renderChart(renderer.binary, { releaseName: 'kubeoidc', namespace: 'kubeoidc', valuesFiles: [file] });
  return objectOf(release, 'PrometheusRule')['spec'] as RuleSpec;
}

/** Writes rules.yaml next to a copy of the unit tests and runs promtool on them. */
function promtool(spec: RuleSpec, command: 'check' | 'test'): { code: number; output: string } {
  const dir = mkdtempSync(join(scratch, 'run-'));
  writeFileSync(join(dir, 'rules.yaml'), stringify(spec));
  copyFileSync(UNIT_TESTS, join(dir, 'alerts.test.yaml'));
  const args = command === 'check' ? ['check', 'rules', 'rules.yaml'] : ['test', 'rules', 'alerts.test.yaml'];
  const result = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

const alertsOf = (spec: RuleSpec): AlertRule[] => spec.groups.flatMap((g) => g.rules);

describe('PrometheusRule alerts', () => {
  it('promtool check rules accepts the rendered rules', (t) => {
    if (promtoolMissing) {
      t.skip(PROMTOOL_REASON);
      return;
    }
    const spec = renderRules(t);
    if (!spec) return;
    const { code, output } = promtool(spec, 'check');
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`SUCCESS: ${String(alertsOf(spec).length)} rules found`));
  });

  it('promtool test rules: every alert fires when it should and stays quiet otherwise', (t) => {
    if (promtoolMissing) {
      t.skip(PROMTOOL_REASON);
      return;
    }
    const spec = renderRules(t);
    if (!spec) return;
    const { code, output } = promtool(spec, 'test');
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS/);
  });

  it('the unit tests catch a changed threshold (they really evaluate the rendered rules)', (t) => {
    if (promtoolMissing) {
      t.skip(PROMTOOL_REASON);
      return;
    }
    const spec = renderRules(t, { prometheusRule: { enabled: true, grantErrorRatio: 0.9 } });
    if (!spec) return;
    const { code, output } = promtool(spec, 'test');
    assert.notEqual(code, 0);
    assert.match(output, /alertname: KubeoidcGrantErrorRatioHigh/);
  });

  it('every alert has a firing unit test, severity, summary, description and a runbook section', (t) => {
    const spec = renderRules(t);
    if (!spec) return;
    const tests = parse(readFileSync(UNIT_TESTS, 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      tests.tests.flatMap((c) => c.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)),
    );
    const runbook = readFileSync(new URL('../../docs/alerts.md', import.meta.url), 'utf8');
    const alerts = alertsOf(spec);
    assert.ok(alerts.length >= 10);
    for (const alert of alerts) {
      assert.ok(firing.has(alert.alert), `${alert.alert}: no unit test where it fires`);
      assert.match(alert.labels['severity'] ?? '', /^(warning|critical)$/, alert.alert);
      assert.ok(alert.annotations['summary'], `${alert.alert}: summary`);
      assert.ok(alert.annotations['description'], `${alert.alert}: description`);
      assert.equal(
        alert.annotations['runbook_url'],
        `https://github.com/kubeoidc/kubeoidc/blob/main/docs/alerts.md#${alert.alert.toLowerCase()}`,
      );
      assert.match(runbook, new RegExp(`^### ${alert.alert}$`, 'm'), `${alert.alert}: section in docs/alerts.md`);
    }
  });

  it('the alerts use only metrics the provider and the operator export', (t) => {
    const spec = renderRules(t);
    if (!spec) return;
    const sources = ['../../provider/metrics/registry.ts', '../../operator/controller/metrics.ts']
      .map((path) => readFileSync(new URL(path, import.meta.url), 'utf8'))
      .join('\n');
    const used = new Set(alertsOf(spec).flatMap((a) => a.expr.match(/kubeoidc_[a-z_]+/g) ?? []));
    assert.ok(used.size >= 8);
    for (const metric of used) assert.ok(sources.includes(`name: '${metric}'`), `${metric} is not exported`);
  });

  it('additional alert labels and the runbook base URL come from values', (t) => {
    const spec = renderRules(t, {
      prometheusRule: { enabled: true, additionalAlertLabels: { team: 'identity' }, runbookBaseUrl: 'https://x/rb/' },
    });
    if (!spec) return;
    for (const alert of alertsOf(spec)) {
      assert.equal(alert.labels['team'], 'identity');
      assert.equal(alert.annotations['runbook_url'], `https://x/rb#${alert.alert.toLowerCase()}`);
    }
  });
});
