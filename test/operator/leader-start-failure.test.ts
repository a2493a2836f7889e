/**
 * A leader that cannot start does not sit on the Lease. Operator A runs as a ServiceAccount that may hold the Lease
 * but lacks the ClusterRole (a missing RBAC rule, as after a botched upgrade): it wins the election, its caches cannot
 * sync, and after the cache-sync timeout it releases the Lease, stops campaigning and reports the failure on
 * `/healthz`, so operator B takes over and reconciles. `operator/main.ts` exits non-zero in the same situation, and
 * refuses election timing that breaks `leaseDuration > renewDeadline > retryPeriod`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { createOperatorMetrics } from '../../operator/controller/metrics.ts';
import { kubeClient } from '../../operator/kube/client.ts';
import type { OIDCProvider } from '../../operator/kube/crds.ts';
import { getObject } from '../../operator/kube/resources.ts';
import { startOperator, type RunningOperator } from '../../operator/operator.ts';
import { leaderElectionRoleRules } from '../../operator/rbac.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { applyManifest, kubectl } from '../support/kubectl.ts';
import { serviceAccount } from '../support/service-account.ts';
import { eventually, sampleProvider, testLog } from './support.ts';

const NAMESPACE = 'kubeoidc-system';
const timing = { leaseDurationMs: 8000, renewDeadlineMs: 5000, retryPeriodMs: 500 };
const mainTs = new URL('../../operator/main.ts', import.meta.url).pathname;

const probe = async (port: number, path: string) => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text() };
};
const holder = (cp: ControlPlane) =>
  kubectl(cp, '-n', NAMESPACE, 'get', 'lease', 'kubeoidc-operator', '-o', 'jsonpath={.spec.holderIdentity}');

describe('a leader whose start fails', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeoidc-start-failure-'));
  let cp: ControlPlane | undefined;
  let crippled: KubeConfig;
  let a: RunningOperator | undefined;
  let b: RunningOperator | undefined;
  const fatal: Error[] = [];

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
    // May hold the Lease, nothing else: every informer's list is forbidden.
    crippled = await serviceAccount(cp, NAMESPACE, 'no-cluster-role', leaderElectionRoleRules);
  });
  after(async () => {
    await a?.stop(false);
    await b?.stop(false);
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('releases the Lease, reports unhealthy, and the standby takes over', async () => {
    a = await startOperator({
      kubeConfig: crippled,
      identity: 'operator-a',
      leaseNamespace: NAMESPACE,
      leaseTiming: timing,
      cacheSyncTimeoutMs: 4000,
      healthPort: 0,
      healthHost: '127.0.0.1',
      metrics: createOperatorMetrics(false),
      log: testLog(),
      onFatal: (error) => fatal.push(error),
    });
    await eventually('a leads', () => Promise.resolve(a!.isLeader()));
    const port = a.healthPort;
    assert.equal((await probe(port, '/readyz')).status, 503, 'a leader with cold caches is not ready');
    b = await startOperator({
      kubeConfig: cp!.kubeConfig(),
      identity: 'operator-b',
      leaseNamespace: NAMESPACE,
      leaseTiming: timing,
      healthPort: 0,
      healthHost: '127.0.0.1',
      metrics: createOperatorMetrics(false),
      log: testLog(),
    });

    const health = await eventually('a reports the failure', async () => {
      const answer = await probe(port, '/healthz');
      return answer.status === 503 && answer;
    });
    assert.match(health.body, /leader start failed: caches did not sync within 4000 ms/);
    await eventually('onFatal, once the Lease is released', () => Promise.resolve(fatal.length === 1));
    assert.equal(a.isLeader(), false);
    await eventually('b leads', () => Promise.resolve(b!.isLeader()));
    await applyManifest(cp!, sampleProvider('oidcprovider-minimal.yaml'));
    const admin = kubeClient(cp!.kubeConfig());
    await eventually(
      'b reconciles',
      async () => {
        const provider = await getObject<OIDCProvider>(admin, {
          apiVersion: 'kubeoidc.dev/v1alpha1',
          kind: 'OIDCProvider',
          namespace: 'default',
          name: 'minimal',
        });
        return provider?.status?.observedGeneration === 1;
      },
      60_000,
    );
    await sleep(2 * timing.leaseDurationMs); // long enough for a to grab the Lease again if it were still campaigning
    assert.equal(await holder(cp!), 'operator-b');
    assert.equal(a.isLeader(), false);
    assert.equal((await probe(port, '/healthz')).status, 503, 'stays unhealthy until restarted');
  });

  it('makes operator/main.ts exit non-zero after releasing the Lease', async () => {
    await b?.stop(); // releases the Lease: the process below wins it
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, crippled.exportConfig(), { mode: 0o600 });
    const child = spawn(process.execPath, [mainTs], {
      env: {
        PATH: process.env['PATH'],
        KUBECONFIG: kubeconfigPath,
        POD_NAME: 'operator-main',
        POD_NAMESPACE: NAMESPACE,
        KUBEOIDC_OPERATOR_HEALTH_PORT: '0',
        KUBEOIDC_LEASE_DURATION: '8s',
        KUBEOIDC_RENEW_DEADLINE: '5s',
        KUBEOIDC_RETRY_PERIOD: '500ms',
        KUBEOIDC_CACHE_SYNC_TIMEOUT: '3s',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 1, output.join(''));
    assert.match(output.join(''), /operator-main became the leader/);
    assert.match(output.join(''), /giving up: the leader could not start/);
    assert.equal(await holder(cp!), '', 'the Lease was released before exiting');
  });

  it('makes operator/main.ts refuse election timing that breaks lease > renew deadline > retry period', async () => {
    const child = spawn(process.execPath, [mainTs], {
      env: {
        PATH: process.env['PATH'],
        KUBECONFIG: cp!.kubeconfigPath,
        KUBEOIDC_OPERATOR_HEALTH_PORT: '0',
        KUBEOIDC_LEASE_DURATION: '10s',
        KUBEOIDC_RENEW_DEADLINE: '10s',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 1);
    assert.match(
      output.join(''),
      /KUBEOIDC_LEASE_DURATION \(10000 ms\) must be greater than KUBEOIDC_RENEW_DEADLINE \(10000 ms\)/,
    );
  });
});
