/**
 * The control plane with its controllers and scheduler (`startControlPlane({ controllerManager: true, scheduler:
 * true })`): the API server reports the release it was built from, and the controllers a user's cluster runs do their
 * job — Deployments become ReplicaSets and Pods, the scheduler places Pods only on Nodes that exist, the garbage
 * collector removes what an owner leaves, Services get Endpoints, PodDisruptionBudgets get status, ServiceAccounts get
 * token Secrets that authenticate and whose `ca.crt` verifies the API server (also published as `kube-root-ca.crt`),
 * and deleted namespaces go away.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api, VersionApi, type V1Deployment, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { applyManifest, kubectl, startControlPlane, type ControlPlane } from '../support/control-plane.ts';

const NS = 'cluster-check';
const LABELS = { app: 'web' };

/** Polls `probe` every 250 ms until it returns a value other than undefined; fails after `timeoutMs` (a hang guard). */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      assert.fail(`${what}: not after ${timeoutMs} ms (${last instanceof Error ? last.message : 'no error'})`);
    await sleep(250);
  }
}

/** Whether reading an object fails with 404. */
async function gone(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return true;
    throw error;
  }
}

function deployment(name: string, replicas: number): V1Deployment {
  return {
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { ...LABELS, deployment: name } },
      template: {
        metadata: { labels: { ...LABELS, deployment: name } },
        spec: { containers: [{ name: 'web', image: 'example.invalid/web:1' }] },
      },
    },
  };
}

/** Processes of a component binary whose command line mentions `dir` (for checking, never for killing). */
function componentsUsing(dir: string): string[] {
  let lines: string[];
  try {
    lines = execFileSync('pgrep', ['-af', dir], { encoding: 'utf8' }).trim().split('\n');
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  return lines.filter((line) => /\/(etcd|kube-[a-z-]+) /.test(line)).map((line) => line.split(' ')[1] ?? '');
}

describe('a control plane with controller-manager and scheduler', () => {
  let cp: ControlPlane | undefined;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  before(async () => {
    cp = await startControlPlane({ controllerManager: true, scheduler: true });
    const kc = cp.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });
  after(async () => {
    await cp?.stop();
  });

  it('reports Kubernetes v1.20.2 at /version', async () => {
    const version = await cp!.kubeConfig().makeApiClient(VersionApi).getCode();
    assert.equal(version.gitVersion, 'v1.20.2');
    assert.equal(version.major, '1');
    assert.equal(version.minor, '20');
  });

  it("gives a namespace's default ServiceAccount a token Secret that authenticates, with a CA that verifies the server", async () => {
    const secret = await eventually('token Secret of default/ServiceAccount', async () => {
      const account = await core.readNamespacedServiceAccount({ name: 'default', namespace: NS });
      const name = account.secrets?.[0]?.name;
      return name === undefined ? undefined : core.readNamespacedSecret({ name, namespace: NS });
    });
    assert.equal(secret.type, 'kubernetes.io/service-account-token');
    const data = (key: string): string => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');
    assert.equal(data('namespace'), NS);
    assert.equal(data('ca.crt'), readFileSync(cp!.caPath, 'utf8'));
    // Verifying TLS with only the Secret's ca.crt: the token is known (403, not 401) and RBAC still applies to it.
    const status = await new Promise<number>((resolve, reject) => {
      request(
        `${cp!.server}/api/v1/namespaces/${NS}/secrets`,
        { headers: { authorization: `Bearer ${data('token')}` }, ca: data('ca.crt') },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end();
    });
    assert.equal(status, 403);
    const rootCa = await eventually('kube-root-ca.crt ConfigMap', () =>
      core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: NS }),
    );
    assert.equal(rootCa.data?.['ca.crt'], readFileSync(cp!.caPath, 'utf8'));
  });

  it('turns a Deployment into a ReplicaSet and Pods that stay Pending, unschedulable, while there is no Node', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: NS, body: deployment('first', 2) });
    const replicaSet = await eventually('ReplicaSet of the Deployment', async () => {
      const list = await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: 'deployment=first' });
      return list.items[0];
    });
    assert.equal(replicaSet.metadata?.ownerReferences?.[0]?.uid, created.metadata?.uid);
    const pods = await eventually('2 unschedulable Pods', async () => {
      const list = await core.listNamespacedPod({ namespace: NS, labelSelector: 'deployment=first' });
      const unschedulable = list.items.filter((pod) =>
        pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'),
      );
      return unschedulable.length === 2 ? list.items : undefined;
    });
    for (const pod of pods) {
      assert.equal(pod.status?.phase, 'Pending');
      assert.equal(pod.spec?.nodeName, undefined);
      assert.equal(pod.metadata?.ownerReferences?.[0]?.uid, replicaSet.metadata?.uid);
    }
  });

  it('garbage-collects the ReplicaSet and Pods of a deleted Deployment', async () => {
    const replicaSets = await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: 'deployment=first' });
    const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'deployment=first' });
    assert.ok(replicaSets.items.length === 1 && pods.items.length === 2);
    await apps.deleteNamespacedDeployment({ name: 'first', namespace: NS, propagationPolicy: 'Background' });
    await eventually('ReplicaSet and Pods removed', async () => {
      const dependents = [
        ...replicaSets.items.map(
          (rs) => () => apps.readNamespacedReplicaSet({ name: rs.metadata?.name ?? '', namespace: NS }),
        ),
        ...pods.items.map((pod) => () => core.readNamespacedPod({ name: pod.metadata?.name ?? '', namespace: NS })),
      ];
      for (const read of dependents) if (!(await gone(read))) return undefined;
      return true;
    });
  });

  it('gives a Service Endpoints and an EndpointSlice', async () => {
    await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: { selector: LABELS, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      },
    });
    const endpoints = await eventually('Endpoints of the Service', () =>
      core.readNamespacedEndpoints({ name: 'web', namespace: NS }),
    );
    assert.equal(endpoints.metadata?.name, 'web');
    // discovery.k8s.io/v1beta1 on 1.20, which client-node 2 has no typed API for.
    const slice = await eventually('EndpointSlice of the Service', async () => {
      const list = JSON.parse(
        await kubectl(cp!, 'get', 'endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=web', '-o', 'json'),
      ) as { items: { addressType?: string; metadata: { ownerReferences?: { kind: string; name: string }[] } }[] };
      return list.items[0];
    });
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(
      slice.metadata.ownerReferences?.map((o) => [o.kind, o.name]),
      [['Service', 'web']],
    );
  });

  it('keeps the status of a PodDisruptionBudget', async () => {
    await apps.createNamespacedDeployment({ namespace: NS, body: deployment('guarded', 2) });
    // policy/v1beta1 on 1.20, which client-node 2 has no typed API for.
    await applyManifest(cp!, {
      apiVersion: 'policy/v1beta1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'guarded', namespace: NS },
      spec: { minAvailable: 1, selector: { matchLabels: { deployment: 'guarded' } } },
    });
    interface PdbStatus {
      expectedPods?: number;
      currentHealthy?: number;
      desiredHealthy?: number;
      disruptionsAllowed?: number;
    }
    const status = await eventually('PDB status counting the 2 Pods', async () => {
      const pdb = JSON.parse(await kubectl(cp!, 'get', 'pdb', 'guarded', '-n', NS, '-o', 'json')) as {
        status?: PdbStatus;
      };
      return pdb.status?.expectedPods === 2 ? pdb.status : undefined;
    });
    assert.equal(status.currentHealthy, 0, 'no Pod runs: there is no kubelet');
    assert.equal(status.desiredHealthy, 1);
    assert.equal(status.disruptionsAllowed, 0);
  });

  it('binds Pods to a Node once one is registered', async () => {
    const node: V1Node = {
      metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' } },
      status: {
        capacity: { cpu: '4', memory: '8Gi', pods: '20' },
        allocatable: { cpu: '4', memory: '8Gi', pods: '20' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'registered by the test' }],
      },
    };
    await core.createNode({ body: node });
    // The TaintNodesByCondition admission plugin taints every new Node not-ready; the node lifecycle controller (not
    // run: there is no kubelet to judge) would lift it. A node agent does, as a kubelet reporting Ready would.
    await kubectl(cp!, 'taint', 'nodes', 'node-a', 'node.kubernetes.io/not-ready:NoSchedule-');
    const pods = await eventually('the Pods bound to node-a', async () => {
      const list = await core.listNamespacedPod({ namespace: NS, labelSelector: 'deployment=guarded' });
      const bound = list.items.filter((pod: V1Pod) => pod.spec?.nodeName === 'node-a');
      return bound.length === 2 ? bound : undefined;
    });
    for (const pod of pods) {
      const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      assert.equal(scheduled?.status, 'True');
    }
  });

  it('removes a deleted namespace and what it held', async () => {
    await core.createNamespace({ body: { metadata: { name: 'short-lived' } } });
    await core.createNamespacedConfigMap({
      namespace: 'short-lived',
      body: { metadata: { name: 'c' }, data: { a: '1' } },
    });
    await core.deleteNamespace({ name: 'short-lived' });
    await eventually('namespace short-lived gone', async () =>
      (await gone(() => core.readNamespace({ name: 'short-lived' }))) ? true : undefined,
    );
  });

  it('stop() kills etcd, the API server, the controller-manager and the scheduler', async () => {
    const dir = dirname(cp!.kubeconfigPath);
    assert.deepEqual(Object.keys(cp!.logPaths).sort(), [
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
    ]);
    assert.equal(componentsUsing(dir).length, 4);
    await cp!.stop();
    assert.deepEqual(componentsUsing(dir), []);
    assert.equal(existsSync(dir), false);
  });
});

describe('a test process with controllers, killed with SIGKILL', () => {
  it('leaves no component running: the watchdog kills them all and removes the temp dir', async () => {
    const fixture = fileURLToPath(new URL('fixtures/abandon-control-plane.ts', import.meta.url));
    const child = spawn(process.execPath, [fixture, 'wait', 'controllers'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let output = '';
    for await (const chunk of child.stdout) {
      output += String(chunk);
      if (output.includes('\n')) break;
    }
    const dir = dirname(output.trim());
    assert.equal(componentsUsing(dir).length, 4, 'all four run while the test process lives');
    child.kill('SIGKILL');
    await exited;
    await eventually('components gone', () =>
      Promise.resolve(componentsUsing(dir).length === 0 && !existsSync(dir) ? true : undefined),
    );
  });
});
