import assert from 'node:assert/strict';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { get } from 'node:http';
import { describe, it } from 'node:test';
import { callApi, type List } from '../support/node-agent/kube-api.ts';
import type { EndpointSlice } from '../support/node-agent/service-proxy.ts';
import { agentCluster, create, eventually } from './cluster.ts';

/**
 * The node agent with the real controllers: a Deployment becomes a ReplicaSet and Pods (deployment and replicaset
 * controllers), the scheduler binds them to the agent's Node, they run as processes and turn Ready by their probes,
 * the endpointslice controller publishes their addresses, and the Service proxy spreads connections over them; a
 * deleted pod is replaced by the ReplicaSet and the Service follows.
 */
describe('node agent: a Deployment behind a Service, with the real controllers and scheduler', () => {
  const cluster = agentCluster({}, { controllerManager: true, scheduler: true });

  const pods = async (): Promise<V1Pod[]> =>
    (await callApi<List<V1Pod>>(cluster.cp, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items;
  const readyAddresses = async (): Promise<string[]> => {
    const slices = await callApi<List<EndpointSlice>>(
      cluster.cp,
      'GET',
      '/apis/discovery.k8s.io/v1beta1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb',
    );
    return slices.items
      .flatMap((slice) => slice.endpoints ?? [])
      .filter((endpoint) => endpoint.conditions?.ready !== false)
      .flatMap((endpoint) => endpoint.addresses)
      .sort();
  };
  /** The distinct answers of `count` requests, each on a new connection (a kept-alive one stays on one pod). */
  const answers = async (address: string, count: number): Promise<string[]> => {
    const seen: string[] = [];
    for (let i = 0; i < count; i++) seen.push(await fetchOnce(`http://${address}/`));
    return [...new Set(seen)].sort();
  };

  it('Deployment → ReplicaSet → Pods on the node → Ready → EndpointSlice → Service proxy; a lost pod is replaced', async () => {
    // The serviceaccount controller creates the namespace's default account that pods need.
    await eventually('the default ServiceAccount', async () =>
      callApi(cluster.cp, 'GET', '/api/v1/namespaces/default/serviceaccounts/default').then(
        () => true,
        () => undefined,
      ),
    );
    await create(cluster.cp, '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 2,
            containers: [
              {
                name: 'web',
                image: 'node:24-bookworm-slim',
                command: [
                  'node',
                  '-e',
                  'require("node:http").createServer((q, r) => r.end(process.env.HOSTNAME)).listen(8080)',
                ],
                ports: [{ name: 'http', containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    });
    await create(cluster.cp, '/api/v1/namespaces/default/services', {
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });

    await eventually('2 ready replicas', async () => {
      const deployment = await callApi<V1Deployment>(
        cluster.cp,
        'GET',
        '/apis/apps/v1/namespaces/default/deployments/web',
      );
      return deployment.status?.readyReplicas === 2 && deployment.status.availableReplicas === 2 ? true : undefined;
    });
    const running = await pods();
    assert.equal(running.length, 2);
    for (const pod of running) {
      assert.equal(pod.spec?.nodeName, cluster.node.nodeName); // bound by the scheduler
      assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, 'ReplicaSet');
    }
    const podIPs = running.map((pod) => pod.status?.podIP ?? '').sort();
    await eventually('the EndpointSlice lists both pods', async () =>
      JSON.stringify(await readyAddresses()) === JSON.stringify(podIPs) ? true : undefined,
    );
    const address = await eventually('the Service address', () =>
      Promise.resolve(cluster.node.serviceAddress('default', 'web')),
    );
    const names = running.map((pod) => pod.metadata?.name ?? '').sort();
    assert.deepEqual(
      await eventually('both pods answer', async () => {
        const seen = await answers(address, 6);
        return seen.length === 2 ? seen : undefined;
      }),
      names,
    );

    // A deleted pod: the ReplicaSet makes a new one, and the Service moves to it once it is Ready.
    const [gone] = names;
    await callApi(cluster.cp, 'DELETE', `/api/v1/namespaces/default/pods/${gone}`);
    const replacement = await eventually('a Ready replacement', async () => {
      const current = await pods();
      const fresh = current.filter(
        (pod) =>
          !names.includes(pod.metadata?.name ?? '') &&
          pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return current.length === 2 && fresh.length === 1 ? fresh[0] : undefined;
    });
    const expected = [names[1] ?? '', replacement.metadata?.name ?? ''].sort();
    assert.deepEqual(
      await eventually('the Service reaches the new set', async () => {
        const seen = await answers(address, 6);
        return JSON.stringify(seen) === JSON.stringify(expected) ? seen : undefined;
      }),
      expected,
    );
  });
});

function fetchOnce(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => {
        resolve(body);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer`)));
    req.on('error', reject);
  });
}
