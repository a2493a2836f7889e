/**
 * A real Prometheus (Debian's `prometheus`, on loopback) scrapes a real provider's /metrics and evaluates the chart's
 * alert rules: the event-derived series are there, every rule loads and evaluates without error, failing token
 * requests make KubeoidcGrantErrorRatioHigh pending, and a stopped provider makes KubeoidcProviderReplicaDown
 * pending (the target is recognised as a provider by its kubeoidc_build_info). Skips, saying why, without prometheus
 * or Go.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { freePort } from '../support/free-port.ts';
import { helmRenderer, objectOf, renderChart } from '../support/helm-render.ts';
import {
  killHard,
  logTail,
  onProcessExit,
  removeDir,
  startLogged,
  startWatchdog,
  type LoggedProcess,
} from '../support/processes.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
interface ActiveAlert {
  labels: Record<string, string>;
  state: string;
}

const prometheusMissing = spawnSync('prometheus', ['--version']).status !== 0;
const renderer = helmRenderer();
const skip = prometheusMissing
  ? 'prometheus not installed: apt-get install prometheus (see .ci/run)'
  : renderer.ok
    ? false
    : renderer.reason;

describe('a real Prometheus with the chart alert rules', { skip, timeout: 240_000 }, () => {
  let provider: TestProvider | undefined;
  let prometheus: LoggedProcess | undefined;
  let dir = '';
  let api = '';
  let unregister = (): void => undefined;

  async function query(expr: string): Promise<Sample[]> {
    const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; data: { result: Sample[] }; error?: string };
    assert.equal(body.status, 'success', body.error);
    return body.data.result;
  }

  /** Polls until `check` returns a value (Prometheus's first sample takes about 5 s even at a 1 s interval). */
  async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logTail(prometheus!.logPath)}`);
      await sleep(250);
    }
  }

  async function alerts(): Promise<(ActiveAlert & { name: string })[]> {
    const body = (await (await fetch(`${api}/api/v1/alerts`)).json()) as { data: { alerts: ActiveAlert[] } };
    return body.data.alerts.map((a) => ({ ...a, name: a.labels['alertname'] ?? '' }));
  }

  /** A token request with an unknown client: `grant.error` with `invalid_client`. */
  async function failingTokenRequest(): Promise<void> {
    const response = await fetch(`${provider!.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'wrong' }),
    });
    assert.equal(response.status, 401);
    await response.body?.cancel();
  }

  before(async () => {
    if (!renderer.ok) return;
    provider = await startTestProvider({ metricsPort: await freePort() });
    assert.ok(provider.metricsPort);
    dir = mkdtempSync(join(tmpdir(), 'kubeoidc-helmchart-prometheus-'));
    const watchdog = startWatchdog(dir);
    const valuesFile = join(dir, 'values.yaml');
    writeFileSync(valuesFile, JSON.stringify({ prometheusRule: { enabled: true } }));
    const release = renderChart(renderer.binary, { valuesFiles: [valuesFile] });
    writeFileSync(join(dir, 'rules.yaml'), stringify(objectOf(release, 'PrometheusRule')['spec']));
    // The labels the Prometheus Operator would add: the provider's namespace and Service (job).
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: ['rules.yaml'],
        scrape_configs: [
          {
            job_name: 'login',
            static_configs: [{ targets: [`127.0.0.1:${provider.metricsPort}`], labels: { namespace: 'idp' } }],
          },
        ],
      }),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = startLogged(
      'prometheus',
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      join(dir, 'prometheus.log'),
    );
    watchdog.guard(prometheus.child.pid);
    const running = prometheus;
    unregister = onProcessExit(() => {
      if (!running.hasExited()) running.child.kill('SIGKILL');
    });
    await eventually('Prometheus ready', async () => {
      const ok = await fetch(`${api}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      return ok ? true : undefined;
    });
  });

  after(async () => {
    if (prometheus) await killHard(prometheus);
    unregister();
    await provider?.stop();
    if (dir) removeDir(dir);
  });

  it('scrapes kubeoidc_events_total (every event from 0) with the namespace and job labels', async () => {
    const series = await eventually('kubeoidc_events_total', async () => {
      const result = await query('kubeoidc_events_total');
      return result.length > 0 ? result : undefined;
    });
    assert.equal(series.length, 54);
    for (const sample of series) {
      assert.equal(sample.metric['job'], 'login');
      assert.equal(sample.metric['namespace'], 'idp');
    }
  });

  it('every alert rule of the chart loads and evaluates without error', async () => {
    const rules = await eventually('rules evaluated', async () => {
      const body = (await (await fetch(`${api}/api/v1/rules?type=alert`)).json()) as {
        data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
      };
      const all = body.data.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
    });
    assert.equal(rules.length, 13);
    for (const rule of rules) assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError ?? ''}`);
  });

  it('failing token requests make KubeoidcGrantErrorRatioHigh pending for the provider', async () => {
    // The error series appears with the first error; Prometheus needs it before the increase it measures.
    await failingTokenRequest();
    const errors = 'kubeoidc_errors_total{endpoint="grant", error="invalid_client"}';
    await eventually('the first grant error', async () => ((await query(errors)).length > 0 ? true : undefined));
    for (let i = 0; i < 6; i++) await failingTokenRequest();
    await eventually('seven grant errors', async () => ((await query(`${errors} == 7`)).length > 0 ? true : undefined));
    assert.equal((await query('kubeoidc_events_total{event="grant.error"}'))[0]?.value[1], '7');
    const alert = await eventually('KubeoidcGrantErrorRatioHigh', async () =>
      (await alerts()).find((a) => a.name === 'KubeoidcGrantErrorRatioHigh'),
    );
    assert.equal(alert.state, 'pending');
    assert.equal(alert.labels['namespace'], 'idp');
    assert.equal(alert.labels['job'], 'login');
    assert.equal(alert.labels['severity'], 'warning');
    // The provider is healthy otherwise: signing keys active, no storage errors, no replica down.
    assert.ok(Number((await query('max(kubeoidc_signing_keys{state="active"})'))[0]?.value[1]) >= 1);
    const names = (await alerts()).map((a) => a.name);
    for (const quiet of ['KubeoidcNoActiveSigningKey', 'KubeoidcStorageErrors', 'KubeoidcProviderReplicaDown'])
      assert.ok(!names.includes(quiet), quiet);
  });

  it('a stopped provider makes KubeoidcProviderReplicaDown pending', async () => {
    await provider!.stop();
    provider = undefined;
    const alert = await eventually('KubeoidcProviderReplicaDown', async () =>
      (await alerts()).find((a) => a.name === 'KubeoidcProviderReplicaDown'),
    );
    assert.equal(alert.state, 'pending');
    assert.equal(alert.labels['job'], 'login');
    assert.match(alert.labels['instance'] ?? '', /^127\.0\.0\.1:\d+$/);
  });
});
