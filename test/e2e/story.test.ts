/**
 * User story: a platform engineer's first day with kubeoidc, on one real test cluster (API server, controller-manager,
 * scheduler, and a node agent that runs pods as local processes — test/support/node-agent/). Each step is one test,
 * in order, and each builds on the ones before:
 *
 * a. install the chart (CRDs, operator with its ServiceAccount and RBAC, the evaluation Redis) → operator Ready;
 * b. apply an OIDCProvider with 3 replicas → 3 provider pods Ready behind the Service, discovery through it;
 * c. apply an OIDCClient → its Secret; openid-client configured from that Secret alone signs a user in.
 *
 * The test process is the engineer's laptop: it reaches the provider through a port-forward to the Service
 * (`port-forward.ts`), so the issuer is `http://127.0.0.1:PORT`; pods reach it by its Service name.
 */
import assert from 'node:assert/strict';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { after, before, describe, it } from 'node:test';
import { helmRenderer, type RenderedRelease } from '../support/helm-render.ts';
import { kubectl } from '../support/kubectl.ts';
import { callApi, type List } from '../support/node-agent/kube-api.ts';
import { eventually } from '../node-agent/cluster.ts';
import { installChartCrds, installRelease, renderStoryRelease } from './story/chart.ts';
import { storyCluster } from './story/cluster.ts';

const NAMESPACE = 'kubeoidc';
const RELEASE = 'kubeoidc';

describe('story: a platform engineer installs kubeoidc and signs a user in to an app', { timeout: 1_200_000 }, () => {
  const renderer = helmRenderer();
  if (!renderer.ok) {
    it.skip(`the chart renderer cannot be built here: ${renderer.reason}`);
    return;
  }
  const cluster = storyCluster();
  let release: RenderedRelease;

  /** Waits for `what`; on time-out the error carries the pods' status and logs. */
  const waitFor = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> => {
    try {
      return await eventually(what, check, timeoutMs);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\n${await cluster.diagnose(NAMESPACE)}`, { cause: error });
    }
  };
  const deployment = (name: string): Promise<V1Deployment> =>
    callApi<V1Deployment>(cluster.cp, 'GET', `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${name}`);
  const podsOf = async (selector: Record<string, string>): Promise<V1Pod[]> => {
    const query = encodeURIComponent(
      Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    );
    return (
      await callApi<List<V1Pod>>(cluster.cp, 'GET', `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=${query}`)
    ).items;
  };
  const fullyReady = async (name: string, replicas: number): Promise<V1Deployment | undefined> => {
    const current = await deployment(name);
    const status = current.status;
    return status?.observedGeneration === current.metadata?.generation &&
      status?.readyReplicas === replicas &&
      status.updatedReplicas === replicas &&
      status.replicas === replicas
      ? current
      : undefined;
  };

  before(() => {
    release = renderStoryRelease(renderer.binary, RELEASE, NAMESPACE);
  });
  after(() => undefined);

  it('a. helm install: CRDs, the operator (2 replicas, the chart ServiceAccount and RBAC) and the evaluation Redis → operator Ready', async () => {
    const crds = await installChartCrds(cluster.cp);
    assert.deepEqual(crds.sort(), ['oidcclients.kubeoidc.dev', 'oidcproviders.kubeoidc.dev']);
    await installRelease(cluster.cp, release, NAMESPACE);

    const operatorDeployment = release.objects.find(
      (o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'operator',
    );
    const redisDeployment = release.objects.find(
      (o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'redis',
    );
    const account = release.objects.find((o) => o.kind === 'ServiceAccount');
    assert.ok(operatorDeployment && redisDeployment && account, 'the chart renders the operator, Redis and an account');

    await waitFor('the evaluation Redis Ready', () => fullyReady(redisDeployment.metadata.name, 1));
    const operator = await waitFor('2 operator replicas Ready', () => fullyReady(operatorDeployment.metadata.name, 2));
    const selector = operator.spec?.selector.matchLabels ?? {};
    const pods = await podsOf(selector);
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.equal(pod.spec?.nodeName, cluster.node.nodeName, 'scheduled to the node');
      assert.equal(pod.spec?.serviceAccountName, account.metadata.name, 'runs as the chart ServiceAccount');
    }
    // One of them leads (the Lease is written with the pod's ServiceAccount token, which only the chart's RBAC allows).
    const holder = await waitFor('a leader', async () => {
      const lease = await callApi<{ spec?: { holderIdentity?: string } }>(
        cluster.cp,
        'GET',
        `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/kubeoidc-operator`,
      );
      return lease.spec?.holderIdentity || undefined;
    });
    assert.ok(
      pods.some((pod) => pod.metadata?.name === holder),
      `leader ${holder} is one of the operator pods`,
    );
    assert.match(
      await kubectl(cluster.cp, '-n', NAMESPACE, 'rollout', 'status', `deployment/${operatorDeployment.metadata.name}`),
      /successfully rolled out/,
    );
  });
});
