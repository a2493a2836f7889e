/**
 * The chart's operator, as the chart configures it, on a real API server: everything the chart renders is applied,
 * then two operator replicas run with the rendered Deployment's environment (pod name, Lease namespace, lease
 * timing, health port) as the chart's ServiceAccount, so with only the chart's RBAC. One leads, both are ready, the
 * `helm test` Pod's own script passes against /readyz, the OIDCProvider created from `provider.*` values is
 * reconciled, and stopping the leader hands the Lease to the standby.
 *
 * No kubelet runs pods here, so the replicas run in-process (startOperator, bound to 127.0.0.1: operator/main.ts has
 * no health-host setting and would listen on every interface) and the test Pod's script reaches the health port on
 * 127.0.0.1 instead of through the Service.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeClient } from '../../operator/kube/client.ts';
import { startOperator, type RunningOperator } from '../../operator/operator.ts';
import { parseDuration } from '../../operator/providers/keys/duration.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { freePort } from '../support/free-port.ts';
import { helmRenderer, objectOf, renderChart, type RenderedRelease } from '../support/helm-render.ts';
import { applyManifest, kubectl } from '../support/kubectl.ts';
import { eventually, testLog } from '../operator/support.ts';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef: { fieldPath: string } };
}
interface PodSpecLike {
  serviceAccountName?: string;
  containers: { env?: EnvVar[]; command?: string[]; args?: string[] }[];
}

const NAMESPACE = 'kubeoidc';
const renderer = helmRenderer();

describe(
  'the chart operator on a real API server',
  { skip: renderer.ok ? false : renderer.reason, timeout: 240_000 },
  () => {
    let cp: ControlPlane | undefined;
    let release: RenderedRelease;
    let healthPort = 0;
    const operators: { identity: string; port: number; operator: RunningOperator }[] = [];
    const scratch = mkdtempSync(join(tmpdir(), 'kubeoidc-helmchart-operator-'));
    const log = testLog();

    before(async () => {
      if (!renderer.ok) return;
      healthPort = await freePort();
      const closedPort = await freePort();
      const values = join(scratch, 'values.yaml');
      writeFileSync(
        values,
        JSON.stringify({
          operator: { healthPort },
          metricsService: { port: healthPort },
          provider: {
            enabled: true,
            spec: { issuer: 'https://login.example.com', redis: { url: `redis://127.0.0.1:${closedPort}` } },
          },
        }),
      );
      release = renderChart(renderer.binary, { releaseName: 'kubeoidc', namespace: NAMESPACE, valuesFiles: [values] });
      cp = await startControlPlane();
      await installCrds(cp);
      await kubectl(cp, 'create', 'namespace', NAMESPACE);
      await kubectl(cp, 'create', 'serviceaccount', 'default', '-n', NAMESPACE); // the controller-manager's job
      await applyManifest(cp, release.objects);

      const deployment = objectOf(release, 'Deployment', 'kubeoidc-operator');
      const spec = deployment['spec'] as { replicas: number; template: { spec: PodSpecLike } };
      const pod = spec.template.spec;
      const token = await serviceAccountToken(cp, pod.serviceAccountName ?? 'default');
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'test', server: cp.server, skipTLSVerify: true }],
        users: [{ name: 'operator', token }],
        contexts: [{ name: 'test', cluster: 'test', user: 'operator', namespace: NAMESPACE }],
        currentContext: 'test',
      });
      for (let i = 0; i < spec.replicas; i++) {
        const podName = `kubeoidc-operator-${String(i)}`;
        // What the kubelet would give the container: its env with the downward API resolved.
        const env: Record<string, string> = {};
        for (const v of pod.containers[0]?.env ?? []) {
          const field = v.valueFrom?.fieldRef.fieldPath;
          env[v.name] =
            field === 'metadata.name' ? podName : field === 'metadata.namespace' ? NAMESPACE : (v.value ?? '');
        }
        const duration = (name: string): number => {
          const ms = parseDuration(env[name] ?? '');
          assert.ok(ms !== undefined && ms > 0, `${name}=${env[name] ?? ''} is a Go duration`);
          return ms;
        };
        // Two "pods" share this host: the second replica's health port is another free one.
        const port = i === 0 ? Number(env['KUBEOIDC_OPERATOR_HEALTH_PORT']) : await freePort();
        const operator = await startOperator({
          kubeConfig: kc,
          identity: env['POD_NAME'] ?? '',
          watchNamespace: env['WATCH_NAMESPACE'] || undefined,
          leaseNamespace: env['POD_NAMESPACE'] ?? '',
          leaseTiming: {
            leaseDurationMs: duration('KUBEOIDC_LEASE_DURATION'),
            renewDeadlineMs: duration('KUBEOIDC_RENEW_DEADLINE'),
            retryPeriodMs: duration('KUBEOIDC_RETRY_PERIOD'),
          },
          healthPort: port,
          healthHost: '127.0.0.1',
          log,
          providerUrl: () => `http://127.0.0.1:${closedPort}`,
        });
        operators.push({ identity: podName, port, operator });
      }
    });

    after(async () => {
      for (const { operator } of operators) await operator.stop();
      await cp?.stop();
      rmSync(scratch, { recursive: true, force: true });
    });

    const leaseHolder = async (): Promise<string> =>
      (
        await kubectl(
          cp!,
          'get',
          'lease',
          'kubeoidc-operator',
          '-n',
          NAMESPACE,
          '-o',
          'jsonpath={.spec.holderIdentity}',
        )
      ).trim();

    it('two replicas: one holds the Lease in the release namespace, both answer /readyz', async () => {
      assert.equal(operators.length, 2);
      const holder = await eventually('a leader', async () => (await leaseHolder().catch(() => '')) || undefined);
      assert.ok(
        operators.some((o) => o.identity === holder),
        holder,
      );
      for (const { port } of operators) {
        await eventually(`/readyz on ${String(port)}`, async () => {
          const response = await fetch(`http://127.0.0.1:${String(port)}/readyz`);
          await response.body?.cancel();
          return response.status === 200;
        });
      }
    });

    it('the helm test Pod script passes against the operator', async () => {
      const container = (objectOf(release, 'Pod')['spec'] as PodSpecLike).containers[0];
      assert.deepEqual(container.command, ['node', '-e']);
      const script = container.args?.[0] ?? '';
      const serviceUrl = `http://kubeoidc-operator.${NAMESPACE}.svc:${String(healthPort)}/readyz`;
      assert.ok(script.includes(serviceUrl), 'the script asks the operator Service');
      const local = script.replace(serviceUrl, `http://127.0.0.1:${String(healthPort)}/readyz`);
      // Asynchronously: the operator answering it runs in this very process.
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', local], { timeout: 20_000 });
      assert.match(stdout, / 200$/m);
    });

    it('the OIDCProvider from provider.* values is reconciled with the chart RBAC', async () => {
      const provider = objectOf(release, 'OIDCProvider');
      const deployment = await eventually(
        'the provider Deployment',
        async () =>
          (
            await kubectl(cp!, 'get', 'deployment', provider.metadata.name, '-n', NAMESPACE, '-o', 'name').catch(
              () => '',
            )
          ).trim() || undefined,
        30_000,
      );
      assert.equal(deployment, `deployment.apps/${provider.metadata.name}`);
      const keysReady = await eventually('KeysReady', async () => {
        const status = await kubectl(
          cp!,
          'get',
          'oidcp',
          provider.metadata.name,
          '-n',
          NAMESPACE,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="KeysReady")].status}',
        );
        return status.trim() || undefined;
      });
      assert.equal(keysReady, 'True');
      assert.deepEqual(
        log.errors.filter((e) => /forbidden/i.test(e)),
        [],
        'no request of the operator was forbidden',
      );
    });

    it('stopping the leader hands the Lease to the standby', async () => {
      const holder = await leaseHolder();
      const leader = operators.find((o) => o.identity === holder);
      assert.ok(leader);
      await leader.operator.stop();
      operators.splice(operators.indexOf(leader), 1);
      const next = await eventually('a new leader', async () => {
        const now = await leaseHolder();
        return now && now !== holder ? now : undefined;
      });
      assert.equal(next, operators[0]?.identity);
    });
  },
);

async function serviceAccountToken(cp: ControlPlane, name: string): Promise<string> {
  const admin = kubeClient(cp.kubeConfig());
  const response = await admin.request<{ status: { token: string } }>(
    'POST',
    `/api/v1/namespaces/${NAMESPACE}/serviceaccounts/${name}/token`,
    { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } } },
  );
  return response.status.token;
}
