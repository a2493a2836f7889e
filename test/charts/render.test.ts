/**
 * The chart renders, with its defaults and with every option switched on (values-full.yaml), into well-formed
 * Kubernetes objects with secure defaults, and its optional parts appear and disappear with their values.
 * Rendering uses test/support/helm-render (Helm's template engine rebuilt with Debian's Go and sprig); without Go
 * the tests skip and say why.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CHART_DIR, helmRenderer, objectOf, renderChart, type RenderedRelease } from '../support/helm-render.ts';

const FULL_VALUES = fileURLToPath(new URL('./values-full.yaml', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'kubeoidc-helmchart-render-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Renders with extra values (an object written to a temp file), or skips the test when the renderer is missing. */
function render(t: TestContext, ...values: (string | object)[]): RenderedRelease | undefined {
  const renderer = helmRenderer();
  if (!renderer.ok) {
    t.skip(renderer.reason);
    return undefined;
  }
  const files = values.map((v, i) => {
    if (typeof v === 'string') return v;
    const file = join(scratch, `values-${String(Date.now())}-${String(i)}-${String(Math.random()).slice(2)}.yaml`);
    writeFileSync(file, JSON.stringify(v));
    return file;
  });
  return renderChart(renderer.binary, { valuesFiles: files });
}

interface Container {
  name: string;
  image: string;
  args?: string[];
  securityContext: Record<string, unknown>;
  resources?: { requests?: object; limits?: object };
  env?: { name: string; value?: string }[];
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  ports?: { name: string; containerPort: number }[];
}
interface PodSpec {
  securityContext: Record<string, unknown>;
  containers: Container[];
  serviceAccountName?: string;
}

function podSpecs(release: RenderedRelease): { owner: string; spec: PodSpec }[] {
  return release.objects.flatMap((o) => {
    if (o.kind === 'Pod') return [{ owner: `Pod/${o.metadata.name}`, spec: o['spec'] as PodSpec }];
    if (o.kind === 'Deployment') {
      const spec = o['spec'] as { template: { spec: PodSpec } };
      return [{ owner: `Deployment/${o.metadata.name}`, spec: spec.template.spec }];
    }
    return [];
  });
}

const kinds = (release: RenderedRelease): string[] => release.objects.map((o) => o.kind).sort();

describe('chart rendering', () => {
  it('Chart.yaml: apiVersion v2, appVersion is package.json version', () => {
    const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as Record<string, string>;
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    assert.equal(chart['apiVersion'], 'v2');
    assert.equal(chart['name'], 'kubeoidc');
    assert.equal(chart['appVersion'], pkg.version);
  });

  for (const [label, values] of [
    ['default values', []],
    ['values-full.yaml', [FULL_VALUES]],
  ] as const) {
    it(`${label}: every object is YAML with apiVersion, kind, metadata.name and the release namespace`, (t) => {
      const release = render(t, ...values);
      if (!release) return;
      assert.ok(release.objects.length >= 7);
      const cluster = new Set(['ClusterRole', 'ClusterRoleBinding']);
      for (const object of release.objects) {
        const id = `${object.kind}/${object.metadata.name}`;
        assert.match(object.apiVersion, /^([a-z0-9.-]+\/)?v[0-9]+(alpha[0-9]+|beta[0-9]+)?$/, id);
        assert.match(object.kind, /^[A-Z][A-Za-z]+$/, id);
        assert.match(object.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, id);
        assert.ok(object.metadata.name.length <= 63, id);
        if (cluster.has(object.kind)) assert.equal(object.metadata.namespace, undefined, id);
        // With operator.watchNamespace (values-full.yaml: apps) the reconcilers' Role lives in the watched namespace.
        else if (/^Role(Binding)?$/.test(object.kind) && object.metadata.name.endsWith('-operator'))
          assert.equal(object.metadata.namespace, values.length === 0 ? 'kubeoidc' : 'apps', id);
        else assert.equal(object.metadata.namespace, 'kubeoidc', id);
        const labels = object.metadata.labels ?? {};
        assert.equal(labels['app.kubernetes.io/part-of'], 'kubeoidc', id);
        assert.equal(labels['app.kubernetes.io/managed-by'], 'Helm', id);
      }
      const ids = release.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      assert.equal(new Set(ids).size, ids.length, 'no object rendered twice');
    });

    it(`${label}: every pod runs non-root, read-only, without privilege escalation or capabilities, with resources`, (t) => {
      const release = render(t, ...values);
      if (!release) return;
      const pods = podSpecs(release);
      assert.ok(pods.length >= 2);
      for (const { owner, spec } of pods) {
        assert.equal(spec.securityContext['runAsNonRoot'], true, owner);
        assert.deepEqual(spec.securityContext['seccompProfile'], { type: 'RuntimeDefault' }, owner);
        for (const c of spec.containers) {
          const id = `${owner} ${c.name}`;
          assert.equal(c.securityContext['runAsNonRoot'], true, id);
          assert.equal(c.securityContext['readOnlyRootFilesystem'], true, id);
          assert.equal(c.securityContext['allowPrivilegeEscalation'], false, id);
          assert.equal(c.securityContext['privileged'], false, id);
          assert.deepEqual(c.securityContext['capabilities'], { drop: ['ALL'] }, id);
          assert.deepEqual(c.securityContext['seccompProfile'], { type: 'RuntimeDefault' }, id);
          assert.ok(c.resources?.requests && c.resources.limits, `${id}: requests and limits`);
        }
      }
    });
  }

  it('defaults: the operator Deployment runs `operator` with 2 replicas, probes and metrics on its health port', (t) => {
    const release = render(t);
    if (!release) return;
    const deployment = objectOf(release, 'Deployment', 'kubeoidc-operator');
    const spec = deployment['spec'] as { replicas: number; template: { spec: PodSpec } };
    assert.equal(spec.replicas, 2);
    const [container] = spec.template.spec.containers;
    assert.ok(container);
    assert.equal(container.image, 'ghcr.io/kubeoidc/kubeoidc:0.1.0');
    assert.deepEqual(container.args, ['operator']);
    assert.deepEqual(container.ports, [{ name: 'http-metrics', containerPort: 8081, protocol: 'TCP' }]);
    assert.deepEqual(container.livenessProbe?.httpGet, { path: '/healthz', port: 'http-metrics' });
    assert.deepEqual(container.readinessProbe?.httpGet, { path: '/readyz', port: 'http-metrics' });
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env['KUBEOIDC_OPERATOR_HEALTH_PORT'], '8081');
    assert.equal(env['KUBEOIDC_LEASE_DURATION'], '15s');
    assert.ok('POD_NAME' in env && 'POD_NAMESPACE' in env, 'leader election identity and Lease namespace');
    assert.equal('WATCH_NAMESPACE' in env, false);
    assert.equal(spec.template.spec.serviceAccountName, 'kubeoidc-operator');
    assert.deepEqual(kinds(release), [
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'NetworkPolicy',
      'Pod',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
    assert.match(release.notes, /helm test kubeoidc -n kubeoidc/);
  });

  it('values-full.yaml: every optional part appears, with the values given', (t) => {
    const release = render(t, FULL_VALUES);
    if (!release) return;
    assert.deepEqual(kinds(release), [
      'Deployment',
      'Deployment',
      'NetworkPolicy',
      'NetworkPolicy',
      'OIDCProvider',
      'Pod',
      'PrometheusRule',
      'Role',
      'Role',
      'RoleBinding',
      'RoleBinding',
      'Service',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
    const deployment = objectOf(release, 'Deployment', 'oidc-operator');
    const spec = deployment['spec'] as { replicas: number; template: { spec: PodSpec } };
    assert.equal(spec.replicas, 3);
    const container = spec.template.spec.containers[0];
    assert.equal(container.image, `ghcr.io/kubeoidc/kubeoidc@sha256:${'0123456789abcdef'.repeat(4)}`);
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env['WATCH_NAMESPACE'], 'apps');
    assert.equal(env['KUBEOIDC_OPERATOR_HEALTH_PORT'], '9090');
    assert.equal(env['KUBEOIDC_RETRY_PERIOD'], '4s');
    assert.equal(env['NODE_OPTIONS'], '--max-old-space-size=192');
    // The provider uses the evaluation Redis when its spec names none.
    const provider = objectOf(release, 'OIDCProvider', 'login');
    assert.deepEqual(provider['spec'], {
      issuer: 'https://login.example.com',
      redis: { url: 'redis://oidc-redis.kubeoidc.svc:6379' },
      replicas: 3,
      serviceMonitor: { enabled: true },
    });
    const redis = objectOf(release, 'Deployment', 'oidc-redis');
    assert.match(JSON.stringify(redis), /not-for-production/);
    const monitor = objectOf(release, 'ServiceMonitor');
    assert.deepEqual((monitor['spec'] as { endpoints: unknown[] }).endpoints, [
      { port: 'http-metrics', path: '/metrics', interval: '15s' },
    ]);
    const service = objectOf(release, 'Service', 'oidc-operator');
    assert.deepEqual((service['spec'] as { ports: unknown[] }).ports, [
      { name: 'http-metrics', port: 9091, targetPort: 'http-metrics', protocol: 'TCP' },
    ]);
    assert.match(release.notes, /EVALUATION ONLY/);
  });

  it('the optional parts disappear one by one with their values', (t) => {
    const off = {
      provider: { enabled: false },
      redis: { enabled: false },
      serviceMonitor: { enabled: false },
      prometheusRule: { enabled: false },
      networkPolicy: { enabled: false },
      tests: { enabled: false },
      rbac: { create: false },
      serviceAccount: { create: false, name: 'existing' },
    };
    const release = render(t, FULL_VALUES, off);
    if (!release) return;
    assert.deepEqual(kinds(release), ['Deployment', 'Service']);
    const spec = objectOf(release, 'Deployment')['spec'] as { template: { spec: PodSpec } };
    assert.equal(spec.template.spec.serviceAccountName, 'existing');
  });

  it('the helm test hook is a Pod that asks the operator /readyz through its Service', (t) => {
    const release = render(t);
    if (!release) return;
    const pod = objectOf(release, 'Pod');
    assert.equal(pod.metadata.annotations?.['helm.sh/hook'], 'test');
    const container = (pod['spec'] as PodSpec).containers[0];
    assert.match(JSON.stringify(container), /http:\/\/kubeoidc-operator\.kubeoidc\.svc:8081\/readyz/);
  });

  it('provider.enabled requires an issuer, and a Redis unless the evaluation Redis is on', (t) => {
    const renderer = helmRenderer();
    if (!renderer.ok) {
      t.skip(renderer.reason);
      return;
    }
    assert.throws(() => render(t, { provider: { enabled: true } }), /provider\.spec\.issuer is required/);
    assert.throws(
      () => render(t, { provider: { enabled: true, spec: { issuer: 'https://id.example.com' } } }),
      /provider\.spec\.redis is required/,
    );
    const release = render(t, {
      provider: { enabled: true, spec: { issuer: 'https://id.example.com', redis: { url: 'redis://r:6379' } } },
    });
    assert.deepEqual(objectOf(release!, 'OIDCProvider', 'kubeoidc')['spec'], {
      issuer: 'https://id.example.com',
      redis: { url: 'redis://r:6379' },
    });
  });
});
