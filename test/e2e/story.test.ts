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
import * as client from 'openid-client';
import { helmRenderer, type RenderedRelease } from '../support/helm-render.ts';
import { applyManifest, kubectl } from '../support/kubectl.ts';
import { callApi, type List } from '../support/node-agent/kube-api.ts';
import { eventually } from '../node-agent/cluster.ts';
import { installChartCrds, installRelease, renderStoryRelease } from './story/chart.ts';
import { storyCluster } from './story/cluster.ts';
import { freshFetch } from './story/fresh-fetch.ts';
import { accountsSecret, ALICE, oidcClient, oidcProvider, REDIRECT_URI } from './story/manifests.ts';
import { forwardToService, type PortForward } from './story/port-forward.ts';
import { signIn } from './relying-party.ts';

const NAMESPACE = 'kubeoidc';
const RELEASE = 'kubeoidc';
const PROVIDER = 'login';
const APP = 'webapp';

/** The Secret an OIDCClient's credentials land in, as an app reads it with envFrom. */
interface AppCredentials {
  CLIENT_ID: string;
  CLIENT_SECRET: string;
  ISSUER_URL: string;
  DISCOVERY_URL: string;
}

describe('story: a platform engineer installs kubeoidc and signs a user in to an app', { timeout: 1_200_000 }, () => {
  const renderer = helmRenderer();
  if (!renderer.ok) {
    void it.skip(`the chart renderer cannot be built here: ${renderer.reason}`);
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

  let forward: PortForward | undefined;
  /** The issuer: `http://127.0.0.1:PORT` of the port-forward. */
  let issuer = '';
  let redisUrl: string;

  before(async () => {
    release = renderStoryRelease(renderer.binary, RELEASE, NAMESPACE);
    const redisService = release.objects.find(
      (o) => o.kind === 'Service' && o.metadata.labels?.['app.kubernetes.io/component'] === 'redis',
    );
    redisUrl = `redis://${redisService?.metadata.name ?? ''}.${NAMESPACE}.svc:6379`;
    // `kubectl port-forward svc/login 8080:80` on the engineer's laptop: the issuer is what the laptop reaches.
    forward = await forwardToService(() => {
      const host = cluster.node.serviceAddress(NAMESPACE, PROVIDER);
      return host === undefined ? undefined : { host, port: 80 };
    });
    issuer = forward.url;
  });
  after(async () => {
    await forward?.stop();
  });

  const providerObject = (): Promise<{ status?: { conditions?: { type: string; status: string }[] } }> =>
    callApi(cluster.cp, 'GET', `/apis/kubeoidc.dev/v1alpha1/namespaces/${NAMESPACE}/oidcproviders/${PROVIDER}`);
  const secretData = async (name: string): Promise<Record<string, string> | undefined> => {
    const secret = await callApi<{ data?: Record<string, string> }>(
      cluster.cp,
      'GET',
      `/api/v1/namespaces/${NAMESPACE}/secrets/${name}`,
    ).catch(() => undefined);
    if (secret?.data === undefined) return undefined;
    return Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
  };
  /** openid-client configured from nothing but the app's Secret, each request on a new connection. */
  const relyingParty = async (credentials: AppCredentials): Promise<client.Configuration> => {
    const config = await client.discovery(
      new URL(credentials.DISCOVERY_URL),
      credentials.CLIENT_ID,
      { redirect_uris: [REDIRECT_URI] },
      client.ClientSecretBasic(credentials.CLIENT_SECRET),
      // The issuer is plain http on loopback (the port-forward), which is exactly what this opt-in is for.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      { execute: [client.allowInsecureRequests], [client.customFetch]: freshFetch },
    );
    config[client.customFetch] = freshFetch;
    return config;
  };

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
      assert.equal(pod.spec.serviceAccountName, account.metadata.name, 'runs as the chart ServiceAccount');
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

  it('b. kubectl apply an OIDCProvider with 3 replicas on that Redis → 3 pods Ready behind the Service; READY True; discovery shows the issuer', async () => {
    await applyManifest(cluster.cp, await accountsSecret(NAMESPACE, 'login-accounts'));
    await applyManifest(
      cluster.cp,
      oidcProvider(NAMESPACE, PROVIDER, {
        issuer: issuer,
        redisUrl,
        accountsSecret: 'login-accounts',
        replicas: 3,
      }),
    );
    const providerDeployment = await waitFor('3 provider replicas Ready', () => fullyReady(PROVIDER, 3));
    const pods = await podsOf(providerDeployment.spec?.selector.matchLabels ?? {});
    assert.equal(
      pods.filter((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length,
      3,
    );
    await waitFor('OIDCProvider Ready', async () =>
      (await providerObject()).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
        ? true
        : undefined,
    );
    const row = (await kubectl(cluster.cp, '-n', NAMESPACE, 'get', 'oidcp', PROVIDER, '--no-headers'))
      .trim()
      .split(/\s+/);
    assert.equal(row[0], PROVIDER);
    assert.equal(row[1], 'True', `kubectl get oidcp: ${row.join(' ')}`);

    // Discovery through the Service, from each replica in turn (a new connection each time).
    for (let i = 0; i < 3; i++) {
      const response = await waitFor('discovery through the Service', async () => {
        const answer = await freshFetch(`${issuer}/.well-known/openid-configuration`);
        return answer.ok ? answer : undefined;
      });
      const discovery = (await response.json()) as { issuer: string; token_endpoint: string };
      assert.equal(discovery.issuer, issuer);
      assert.equal(discovery.token_endpoint, `${issuer}/token`);
    }
  });

  let credentials: AppCredentials;
  let signedIn: Awaited<ReturnType<typeof signIn>>;
  let rp: client.Configuration;

  it('c. kubectl apply an OIDCClient → its Secret; openid-client from that Secret alone signs alice in (code + PKCE, real forms), userinfo and refresh', async () => {
    await applyManifest(cluster.cp, oidcClient(NAMESPACE, APP, PROVIDER));
    const data = await waitFor('the app Secret', () => secretData(`${APP}-oidc`));
    for (const key of ['CLIENT_ID', 'CLIENT_SECRET', 'ISSUER_URL', 'DISCOVERY_URL']) {
      assert.ok(data[key], `the Secret holds ${key}`);
    }
    credentials = data as unknown as AppCredentials;
    assert.equal(credentials.ISSUER_URL, issuer);
    assert.equal(credentials.DISCOVERY_URL, `${issuer}/.well-known/openid-configuration`);

    rp = await relyingParty(credentials);
    assert.equal(rp.serverMetadata().issuer, credentials.ISSUER_URL);
    signedIn = await signIn(rp, ALICE);
    const claims = signedIn.tokens.claims();
    assert.ok(claims, 'an ID token');
    assert.equal(claims.sub, 'alice-sub');
    assert.equal(claims.iss, credentials.ISSUER_URL);
    assert.equal(claims.aud, credentials.CLIENT_ID);
    assert.ok(signedIn.tokens.refresh_token, 'offline_access gave a refresh token');

    // Several times, each on a new connection: whichever replica answers knows the tokens (they live in Redis).
    for (let i = 0; i < 3; i++) {
      const info = await client.fetchUserInfo(rp, signedIn.tokens.access_token, 'alice-sub');
      assert.equal(info.email, 'alice@example.com');
    }
    let refreshToken = signedIn.tokens.refresh_token;
    for (let i = 0; i < 3; i++) {
      const refreshed = await client.refreshTokenGrant(rp, refreshToken);
      assert.equal(refreshed.claims()?.sub, 'alice-sub');
      assert.ok(refreshed.refresh_token);
      refreshToken = refreshed.refresh_token;
      const info = await client.fetchUserInfo(rp, refreshed.access_token, 'alice-sub');
      assert.equal(info.name, 'Alice Example');
    }
  });
});
