/**
 * Two operator processes (`operator/main.ts`, as `npm run operator` runs it) against one real API server: only the
 * leader reconciles, killing it hands over within 20 s, and the standby never writes what the leader wrote.
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Deployment } from '@kubernetes/client-node';
import { kubeClient, type KubeClient } from '../../operator/kube/client.ts';
import { getObject } from '../../operator/kube/resources.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { freePort } from '../support/free-port.ts';
import { applyManifest, kubectl } from '../support/kubectl.ts';
import { eventually, sampleProvider } from './support.ts';

interface OperatorProcess {
  name: string;
  child: ChildProcess;
  port: number;
  output: string[];
}

const mainTs = new URL('../../operator/main.ts', import.meta.url).pathname;

async function startProcess(cp: ControlPlane, name: string): Promise<OperatorProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [mainTs], {
    env: {
      PATH: process.env['PATH'],
      KUBECONFIG: cp.kubeconfigPath,
      POD_NAME: name,
      POD_NAMESPACE: 'default',
      KUBEOIDC_OPERATOR_HEALTH_PORT: String(port),
      KUBEOIDC_LEASE_DURATION: '8s',
      KUBEOIDC_RENEW_DEADLINE: '6s',
      KUBEOIDC_RETRY_PERIOD: '500ms',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const op = { name, child, port, output };
  await eventually(`${name} health endpoint`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 20_000);
  return op;
}

async function metric(op: OperatorProcess, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${op.port}/metrics`)).text();
  const match = pattern.exec(text);
  return match === null ? 0 : Number(match[1]);
}
const isLeader = async (op: OperatorProcess) => (await metric(op, /^kubeoidc_operator_leader (\d+)/m)) === 1;
const reconciles = (op: OperatorProcess) =>
  metric(op, /^kubeoidc_operator_reconcile_total\{kind="OIDCProvider",result="success"\} (\d+)/m);

async function stopProcess(op: OperatorProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (op === undefined || op.child.exitCode !== null || op.child.signalCode !== null) return;
  const exited = once(op.child, 'exit');
  op.child.kill(signal);
  await exited;
}

describe('leader election between two operator processes', { timeout: 240_000 }, () => {
  let cp: ControlPlane | undefined;
  let client: KubeClient;
  let a: OperatorProcess | undefined;
  let b: OperatorProcess | undefined;

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
    client = kubeClient(cp.kubeConfig());
  });
  after(async () => {
    await stopProcess(a, 'SIGKILL');
    await stopProcess(b, 'SIGKILL');
    await cp?.stop();
  });

  const deployment = () =>
    getObject<V1Deployment>(client, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'default',
      name: 'minimal',
    });

  it('lets only the leader reconcile, without duplicate writes', async () => {
    a = await startProcess(cp!, 'operator-a');
    await eventually('a leads', () => isLeader(a!));
    b = await startProcess(cp!, 'operator-b');
    await applyManifest(cp!, sampleProvider('oidcprovider-minimal.yaml'));
    await eventually('Deployment', deployment);
    await eventually('a reconciled', async () => (await reconciles(a!)) > 0);

    const watched = [
      'deployment/minimal',
      'configmap/minimal-config',
      'secret/minimal-keys',
      'service/minimal',
      'oidcp/minimal',
    ];
    const versions = () => kubectl(cp!, 'get', ...watched, '-o', 'jsonpath={.items[*].metadata.resourceVersion}');
    await sleep(1000);
    const before = await versions();
    await sleep(3000);
    assert.equal(await versions(), before, 'nothing is rewritten while both run');
    assert.equal(await isLeader(b), false);
    assert.equal(await reconciles(b), 0, 'the standby never reconciles');
    const lease = await kubectl(cp!, 'get', 'lease', 'kubeoidc-operator', '-o', 'jsonpath={.spec.holderIdentity}');
    assert.equal(lease, 'operator-a');
    const managers = (await deployment())?.metadata?.managedFields?.map((field) => field.manager);
    assert.deepEqual(managers, ['kubeoidc-operator']);
  });

  it('hands over within 20 s when the leader is killed', async () => {
    const killedAt = Date.now();
    await stopProcess(a, 'SIGKILL');
    await eventually('b leads', () => isLeader(b!), 20_000);
    const handover = Date.now() - killedAt;
    assert.ok(handover < 20_000, `handover took ${handover} ms`);
    await kubectl(cp!, 'scale', 'oidcp/minimal', '--replicas=4');
    await eventually('b reconciles the scale', async () => (await deployment())?.spec?.replicas === 4);
    assert.equal(
      await kubectl(cp!, 'get', 'lease', 'kubeoidc-operator', '-o', 'jsonpath={.spec.holderIdentity}'),
      'operator-b',
    );
  });

  it('releases the Lease on a graceful stop', async () => {
    await stopProcess(b, 'SIGTERM');
    assert.equal(b?.child.exitCode, 0, b?.output.join(''));
    const holder = await kubectl(cp!, 'get', 'lease', 'kubeoidc-operator', '-o', 'jsonpath={.spec.holderIdentity}');
    assert.equal(holder, '');
  });
});
