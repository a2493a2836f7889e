/**
 * User story: a platform engineer's first day with kubeoidc, on one real test cluster (API server, controller-manager,
 * scheduler, and a node agent that runs pods as local processes — test/support/node-agent/). Each step is one test,
 * in order, and each builds on the ones before:
 *
 * a. install the chart (CRDs, operator with its ServiceAccount and RBAC, the evaluation Redis) → operator Ready;
 * b. apply an OIDCProvider with 3 replicas → 3 provider pods Ready behind the Service, discovery through it;
 * c. apply an OIDCClient → its Secret; openid-client configured from that Secret alone signs a user in;
 * d. failed client authentications → a Warning Event on the OIDCClient, counted in the pods' metrics;
 * e. a provider pod killed → replaced; earlier tokens still work; no 5xx through the Service;
 * f. the token and session lifetimes shortened → the pods roll; token requests meanwhile keep working;
 * g. key rotation → published, promoted (an old ID token still verifies), then the old key retired from the JWKS;
 * h. the leading operator killed → the standby leads within 20 s and registers a new client;
 * i. deleting the OIDCClient unregisters it; deleting the OIDCProvider lets the garbage collector remove its objects;
 * j. `helm test`: the chart's test Pod succeeds.
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
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { callApi, type List } from '../support/node-agent/kube-api.ts';
import { eventually } from '../node-agent/cluster.ts';
import { installChartCrds, installRelease, isHook, renderStoryRelease } from './story/chart.ts';
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
  /** alice's latest tokens at the app (refresh tokens rotate). */
  let latest: { accessToken: string; refreshToken: string };
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
    let accessToken = signedIn.tokens.access_token;
    for (let i = 0; i < 3; i++) {
      const refreshed = await client.refreshTokenGrant(rp, refreshToken);
      assert.equal(refreshed.claims()?.sub, 'alice-sub');
      assert.ok(refreshed.refresh_token);
      refreshToken = refreshed.refresh_token;
      accessToken = refreshed.access_token;
      const info = await client.fetchUserInfo(rp, refreshed.access_token, 'alice-sub');
      assert.equal(info.name, 'Alice Example');
    }
    latest = { accessToken, refreshToken };
  });

  /** The sum of a counter over the provider pods, each scraped at its metrics port (9464) on its pod IP. */
  const scrapeSum = async (pattern: RegExp): Promise<{ total: number; pods: number }> => {
    const pods = (
      await podsOf({ 'app.kubernetes.io/instance': PROVIDER, 'app.kubernetes.io/component': 'provider' })
    ).filter((pod) => pod.metadata?.deletionTimestamp === undefined && pod.status?.podIP !== undefined);
    let total = 0;
    for (const pod of pods) {
      const text = await (await freshFetch(`http://${pod.status?.podIP ?? ''}:9464/metrics`)).text();
      for (const line of text.split('\n')) {
        const match = pattern.exec(line);
        if (match) total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
    return { total, pods: pods.length };
  };

  it("d. a burst of failed client authentications → Warning Event on the OIDCClient (event bridge), counted in the pods' metrics", async () => {
    const failures = /^kubeoidc_errors_total\{endpoint="grant",error="invalid_client"\}/;
    const before = await scrapeSum(failures);
    assert.equal(before.pods, 3);
    const burst = 6;
    for (let i = 0; i < burst; i++) {
      const response = await freshFetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(credentials.CLIENT_ID)}:wrong-secret`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'whatever' }).toString(),
      });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
    }
    const after = await scrapeSum(failures);
    assert.equal(after.total - before.total, burst, 'every failure is counted once, on the replica that answered');

    const described = await waitFor(
      'the Warning Event in kubectl describe oidcc',
      async () => {
        const text = await kubectl(cluster.cp, '-n', NAMESPACE, 'describe', 'oidcc', APP);
        return /Warning\s+InvalidClient\b/.test(text) ? text : undefined;
      },
      60_000,
    );
    assert.match(described, /grant\.error\b.*invalid_client/);
    assert.doesNotMatch(described, /wrong-secret/, 'no secret in an Event');
  });

  /** alice's tokens still work: the refresh token rotates, the new access token introspects active and reads userinfo. */
  const tokensStillWork = async (what: string): Promise<void> => {
    const refreshed = await client.refreshTokenGrant(rp, latest.refreshToken);
    assert.ok(refreshed.refresh_token, `${what}: a rotated refresh token`);
    latest = { accessToken: refreshed.access_token, refreshToken: refreshed.refresh_token };
    const introspection = await client.tokenIntrospection(rp, latest.accessToken);
    assert.equal(introspection.active, true, `${what}: the access token introspects active`);
    assert.equal(introspection.sub, 'alice-sub');
    const info = await client.fetchUserInfo(rp, latest.accessToken, 'alice-sub');
    assert.equal(info.email, 'alice@example.com', `${what}: userinfo`);
  };

  /** The provider's pods that are not being deleted. */
  const providerPods = async (): Promise<V1Pod[]> =>
    (await podsOf({ 'app.kubernetes.io/instance': PROVIDER, 'app.kubernetes.io/component': 'provider' })).filter(
      (pod) => pod.metadata?.deletionTimestamp === undefined,
    );

  it('e. a provider pod is killed → the ReplicaSet replaces it; earlier tokens still refresh and introspect; a polling client sees no 5xx', async () => {
    const before = await providerPods();
    assert.equal(before.length, 3);
    const victim = before[0]?.metadata?.name ?? '';

    const poller = pollService(`${issuer}/.well-known/openid-configuration`);
    try {
      // `kubectl delete --grace-period=0 --force`: the pod's processes get SIGKILL at once, no graceful stop.
      await kubectl(cluster.cp, '-n', NAMESPACE, 'delete', 'pod', victim, '--grace-period=0', '--force');
      const replaced = await waitFor('a Ready replacement pod', async () => {
        const now = await providerPods();
        const ready = now.filter((pod) =>
          pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        return ready.length === 3 && !now.some((pod) => pod.metadata?.name === victim) ? now : undefined;
      });
      assert.equal(
        replaced.filter((pod) => !before.some((old) => old.metadata?.name === pod.metadata?.name)).length,
        1,
      );
      await waitFor('the Deployment back to 3 ready replicas', () => fullyReady(PROVIDER, 3));
      await tokensStillWork('after the pod was replaced');
    } finally {
      const seen = await poller.stop();
      assert.ok(seen.ok > 0, 'the poller got answers');
      assert.deepEqual(seen.serverErrors, [], 'no 5xx through the Service');
    }
  });

  it('f. the lifetimes shortened in the OIDCProvider spec → the config checksum rolls the pods; token requests meanwhile succeed (connection errors retried once)', async () => {
    const before = (await providerPods()).map((pod) => pod.metadata?.name ?? '');
    const checksumOf = async (): Promise<string | undefined> =>
      (await deployment(PROVIDER)).spec?.template.metadata?.annotations?.['kubeoidc.dev/config-checksum'];
    const checksum = await checksumOf();
    assert.ok(checksum, 'the pod template carries the config checksum');

    const loop = tokenLoop(async () => {
      await client.clientCredentialsGrant(rp, { scope: 'profile' });
    });
    try {
      await kubectl(
        cluster.cp,
        '-n',
        NAMESPACE,
        'patch',
        'oidcp',
        PROVIDER,
        '--type=merge',
        '-p',
        // The CRD's shortest lifetimes: what a key signs is then valid for at most a minute, so step g can watch a
        // retired key leave the JWKS (alice's tokens from step c were issued under the old lifetimes and keep them).
        '{"spec":{"ttl":{"idToken":60,"accessToken":60,"clientCredentials":60,"session":60}}}',
      );
      await waitFor(
        'a new config checksum',
        async () => ((await checksumOf()) !== checksum ? true : undefined),
        60_000,
      );
      // The real deployment controller replaces every pod (maxSurge 1, maxUnavailable 0). Replaced means gone, not
      // only terminating: a terminating pod still answers the requests of its open keep-alive connections (with the
      // old configuration) until it has stopped.
      await waitFor(
        'every pod replaced and Ready',
        async () => {
          const ready = await fullyReady(PROVIDER, 3);
          const now = await providerPods();
          const all = await podsOf({
            'app.kubernetes.io/instance': PROVIDER,
            'app.kubernetes.io/component': 'provider',
          });
          return ready && now.length === 3 && all.every((pod) => !before.includes(pod.metadata?.name ?? ''))
            ? true
            : undefined;
        },
        300_000,
      );
    } finally {
      const result = await loop.stop();
      // A failure names what the provider pods logged as warnings and errors (the replaced pods' too: the node agent
      // keeps their logs), e.g. the Redis error behind a 503.
      const podLogs = async (): Promise<string> => {
        const names = [...before, ...(await providerPods()).map((pod) => pod.metadata?.name ?? '')];
        return names
          .flatMap((name) =>
            cluster.node
              .logs(NAMESPACE, name, 'provider')
              .split('\n')
              .filter((line) => /"level":(40|50)/.test(line))
              .map((line) => `  ${name}: ${line.slice(0, 800)}`),
          )
          .join('\n');
      };
      assert.ok(
        result.ok >= 5,
        `token requests kept succeeding (${result.ok}; ${result.failures.slice(0, 3).join('; ')})`,
      );
      assert.deepEqual(
        result.failures,
        [],
        result.failures.length === 0
          ? ''
          : `no failure beyond retried connection errors (${result.retried} retried); provider pods' warnings and errors:\n${await podLogs()}`,
      );
      console.log(`f: ${result.ok} token requests, ${result.retried} connection errors retried`);
    }
    const tokens = await client.clientCredentialsGrant(rp, { scope: 'profile' });
    assert.equal(tokens.expires_in, 60, 'the new TTL is in force');
  });

  it('g. key rotation with short periods → new key published, then signing (an ID token from before verifies against the JWKS after promotion), then a replaced key retired from the JWKS once nothing it signed can be presented; Events show each step', async () => {
    const oldIdToken = signedIn.tokens.id_token ?? '';
    const oldKid = decodeProtectedHeader(oldIdToken).kid;
    assert.ok(oldKid);
    // The keys of step b (one per signing algorithm): nothing has rotated since.
    const initialJwks = (await (await freshFetch(`${issuer}/jwks`)).json()) as { keys: { kid?: string }[] };
    const initialKids = initialJwks.keys.map((key) => key.kid ?? '');
    assert.ok(initialKids.includes(oldKid), 'the ID token of step c was signed with a key of step b');
    const patchSigning = (signing: object): Promise<string> =>
      kubectl(
        cluster.cp,
        '-n',
        NAMESPACE,
        'patch',
        'oidcp',
        PROVIDER,
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { signing } }),
      );
    // Short periods: the keys made at step b are older than rotationPeriod − propagationDelay, so the next key is
    // published at once and signs 15 s later. Short retention margins: this cluster's node agent refreshes Secret
    // volumes every 0.5 s and the provider polls its key file every 2 s (pod propagation well under 5 s), and every
    // process shares one clock (no skew).
    await patchSigning({
      rotationPeriod: '40s',
      propagationDelay: '15s',
      retention: { podPropagationMargin: '5s', clockSkewMargin: '1s' },
    });
    const keyEvents = async (): Promise<{ reason: string; note: string }[]> => {
      const events = await callApi<
        List<{ reason?: string; note?: string; eventTime?: string; regarding?: { kind?: string; name?: string } }>
      >(cluster.cp, 'GET', `/apis/events.k8s.io/v1/namespaces/${NAMESPACE}/events`);
      return events.items
        .filter((event) => event.regarding?.kind === 'OIDCProvider' && event.regarding.name === PROVIDER)
        .sort((x, y) => (x.eventTime ?? '').localeCompare(y.eventTime ?? ''))
        .map((event) => ({ reason: event.reason ?? '', note: event.note ?? '' }));
    };
    const seen = async (reason: string): Promise<true | undefined> =>
      (await keyEvents()).some((event) => event.reason === reason) ? true : undefined;
    const jwks = async (): Promise<{ keys: { kid?: string }[] }> =>
      (await (await freshFetch(`${issuer}/jwks`)).json()) as { keys: { kid?: string }[] };
    /** The JWKS of each of the 3 replicas (new connections go round-robin over the Service's endpoints). */
    const everyReplica = (): Promise<{ keys: { kid?: string }[] }[]> => Promise.all([0, 1, 2].map(() => jwks()));

    await waitFor('KeyPublished', () => seen('KeyPublished'), 120_000);
    const published = await waitFor(
      'the new keys in the JWKS of every replica',
      async () => {
        const sets = await everyReplica();
        return sets.every((set) => set.keys.length >= 4) ? sets[0] : undefined;
      },
      120_000,
    );
    assert.ok(
      published.keys.some((key) => key.kid === oldKid),
      'the old key is still published',
    );

    await waitFor('KeyPromoted', () => seen('KeyPromoted'), 120_000);
    // New tokens are signed with a new key once the pods read the new key file.
    const fresh = await waitFor(
      'an ID token signed with a new key',
      async () => {
        const refreshed = await client.refreshTokenGrant(rp, latest.refreshToken);
        latest = { accessToken: refreshed.access_token, refreshToken: refreshed.refresh_token ?? latest.refreshToken };
        const kid = decodeProtectedHeader(refreshed.id_token ?? '').kid;
        return kid !== undefined && kid !== oldKid ? refreshed.id_token : undefined;
      },
      120_000,
    );
    const after = createLocalJWKSet(await jwks());
    const { payload } = await jwtVerify(oldIdToken, after, { issuer, audience: credentials.CLIENT_ID });
    assert.equal(payload.sub, 'alice-sub', 'the ID token from before the rotation verifies after promotion');
    await jwtVerify(fresh, after, { issuer, audience: credentials.CLIENT_ID });

    // Retirement is scheduled when a key stops signing, for after the longest lifetime in force while it signed plus
    // the margins (operator/providers/keys/policy.ts). The keys of step b signed under the default 14-day session
    // until step f shortened every lifetime to 60 s: they stay published for 14 days (+ 5 s + 1 s), or ID tokens they
    // signed could no longer be checked (e.g. as id_token_hint). The keys promoted just now signed only under 60 s:
    // the rotation keeps running, and when the next keys are promoted these go 60 s + 5 s + 1 s later.
    const retiring = async (): Promise<{ kid: string; since: string; retireAt?: string }[]> => {
      const keySecret = await callApi<{ metadata?: { annotations?: Record<string, string> } }>(
        cluster.cp,
        'GET',
        `/api/v1/namespaces/${NAMESPACE}/secrets/${PROVIDER}-keys`,
      );
      const state = JSON.parse(keySecret.metadata?.annotations?.['kubeoidc.dev/key-rotation'] ?? '{}') as {
        retiring?: { kid: string; since: string; retireAt?: string }[];
      };
      return state.retiring ?? [];
    };
    const retainedFor = (entry: { since: string; retireAt?: string }): number =>
      Date.parse(entry.retireAt ?? '') - Date.parse(entry.since);
    const original = (await retiring()).filter((entry) => initialKids.includes(entry.kid));
    assert.deepEqual(
      original.map((entry) => entry.kid).sort(),
      [...initialKids].sort(),
      'the keys of step b are retiring',
    );
    for (const entry of original) {
      assert.equal(retainedFor(entry), 1_209_600_000 + 6_000, `${entry.kid}: the 14-day session it signed under`);
    }

    const promotions = async (): Promise<number> =>
      (await keyEvents()).filter((event) => event.reason === 'KeyPromoted').length;
    await waitFor('the next keys promoted', async () => ((await promotions()) >= 2 ? true : undefined), 150_000);
    // Back to a calm schedule, so that no further rotation runs for the rest of the story (retirement times already
    // recorded do not move with a spec change).
    await patchSigning({ rotationPeriod: '720h', propagationDelay: '1h' });
    const second = (await retiring()).filter((entry) => !initialKids.includes(entry.kid));
    assert.ok(second.length > 0, 'the keys promoted first are retiring too');
    for (const entry of second) {
      assert.equal(retainedFor(entry), 66_000, `${entry.kid}: signed only under the 60 s lifetimes of step f`);
    }
    const secondKids = second.map((entry) => entry.kid);

    // …and then they go: the operator retires them on time, and every replica stops serving them, while the keys of
    // step b stay published.
    await waitFor(
      'KeyRetired for the keys promoted first',
      async () =>
        (await keyEvents()).some(
          (event) => event.reason === 'KeyRetired' && secondKids.some((kid) => event.note.includes(kid)),
        )
          ? true
          : undefined,
      150_000,
    );
    const retired = (await keyEvents()).find((event) => event.reason === 'KeyRetired');
    assert.ok(retired, 'a KeyRetired Event');
    assert.match(retired.note, /removed from the JWKS/);
    await waitFor(
      'the retired keys gone from the JWKS of every replica',
      async () => {
        const sets = await everyReplica();
        return sets.every((set) => !set.keys.some((key) => secondKids.includes(key.kid ?? ''))) ? true : undefined;
      },
      60_000,
    );
    const stillServed = await jwks();
    assert.ok(
      initialKids.every((kid) => stillServed.keys.some((key) => key.kid === kid)),
      'the keys of step b are still published',
    );
    await jwtVerify(oldIdToken, createLocalJWKSet(stillServed), { issuer, audience: credentials.CLIENT_ID });
    // The key that signs stays: a token issued now verifies against what the Service serves.
    const served = createLocalJWKSet(await jwks());
    const current = await client.refreshTokenGrant(rp, latest.refreshToken);
    latest = { accessToken: current.access_token, refreshToken: current.refresh_token ?? latest.refreshToken };
    await jwtVerify(current.id_token ?? '', served, { issuer, audience: credentials.CLIENT_ID });
    const order = (await keyEvents()).map((event) => event.reason);
    const firstOf = (reason: string): number => order.indexOf(reason);
    assert.ok(
      firstOf('KeyPublished') < firstOf('KeyPromoted') && firstOf('KeyPromoted') < firstOf('KeyRetired'),
      `Events in order: ${order.join(', ')}`,
    );
  });

  const lease = (): Promise<{ spec?: { holderIdentity?: string } }> =>
    callApi(cluster.cp, 'GET', `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/kubeoidc-operator`);
  /** Whether these credentials authenticate at the token endpoint (a bogus refresh token: invalid_grant if they do). */
  const authenticates = async (clientId: string, secret: string): Promise<boolean> => {
    const response = await freshFetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token' }).toString(),
    });
    const { error } = (await response.json()) as { error?: string };
    if (error !== 'invalid_grant' && error !== 'invalid_client') throw new Error(`unexpected answer: ${String(error)}`);
    return error === 'invalid_grant';
  };

  it('h. the leading operator pod is killed → the other leads within 20 s; an OIDCClient applied then is registered', async () => {
    const leader = (await lease()).spec?.holderIdentity ?? '';
    const operatorPods = await podsOf({ 'app.kubernetes.io/component': 'operator' });
    const standby = operatorPods.map((pod) => pod.metadata?.name ?? '').find((name) => name !== leader);
    assert.ok(leader !== '' && standby, `a leader (${leader}) and a standby`);

    const killedAt = Date.now();
    await kubectl(cluster.cp, '-n', NAMESPACE, 'delete', 'pod', leader, '--grace-period=0', '--force');
    const next = await waitFor(
      'a new leader',
      async () => {
        const holder = (await lease()).spec?.holderIdentity;
        return holder !== undefined && holder !== '' && holder !== leader ? holder : undefined;
      },
      60_000,
    );
    const tookMs = Date.now() - killedAt;
    assert.equal(next, standby, 'the standby took over');
    assert.ok(tookMs <= 20_000, `the standby led after ${tookMs} ms`);

    await applyManifest(cluster.cp, oidcClient(NAMESPACE, 'late-app', PROVIDER));
    const data = await waitFor('the late app Secret', () => secretData('late-app-oidc'));
    assert.ok(data['CLIENT_ID'] && data['CLIENT_SECRET']);
    assert.equal(await authenticates(data['CLIENT_ID'], data['CLIENT_SECRET']), true, 'registered at the provider');
  });

  it('i. delete the OIDCClient → unregistered (its credentials stop working), Secret gone; delete the OIDCProvider → its objects collected', async () => {
    assert.equal(await authenticates(credentials.CLIENT_ID, credentials.CLIENT_SECRET), true);
    await kubectl(cluster.cp, '-n', NAMESPACE, 'delete', 'oidcc', APP, '--wait=true', '--timeout=120s');
    assert.equal(await authenticates(credentials.CLIENT_ID, credentials.CLIENT_SECRET), false, 'unregistered');
    await waitFor('the app Secret gone', async () =>
      (await secretData(`${APP}-oidc`)) === undefined ? true : undefined,
    );

    await kubectl(cluster.cp, '-n', NAMESPACE, 'delete', 'oidcp', PROVIDER, '--wait=true', '--timeout=120s');
    // The garbage collector removes what the provider owned, and the pods with their ReplicaSet.
    const owned = [
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${PROVIDER}`,
      `/api/v1/namespaces/${NAMESPACE}/services/${PROVIDER}`,
      `/api/v1/namespaces/${NAMESPACE}/configmaps/${PROVIDER}-config`,
      `/api/v1/namespaces/${NAMESPACE}/secrets/${PROVIDER}-keys`,
    ];
    await waitFor('the provider objects collected', async () => {
      for (const path of owned) {
        if (
          await callApi(cluster.cp, 'GET', path).then(
            () => true,
            () => false,
          )
        )
          return undefined;
      }
      const pods = await podsOf({ 'app.kubernetes.io/instance': PROVIDER, 'app.kubernetes.io/component': 'provider' });
      return pods.length === 0 ? true : undefined;
    });
  });

  it("j. helm test: the chart's test hook Pod runs through the agent and succeeds", async () => {
    const hooks = release.objects.filter((object) => isHook(object));
    assert.equal(hooks.length, 1, 'the chart has its test hook');
    const [hook] = hooks;
    assert.equal(hook.metadata.annotations?.['helm.sh/hook'], 'test');
    await applyManifest(cluster.cp, hooks);
    const pod = await waitFor('the test Pod finished', async () => {
      const current = await callApi<V1Pod>(
        cluster.cp,
        'GET',
        `/api/v1/namespaces/${NAMESPACE}/pods/${hook.metadata.name}`,
      );
      const phase = current.status?.phase;
      return phase === 'Succeeded' || phase === 'Failed' ? current : undefined;
    });
    const log = cluster.node.logs(NAMESPACE, hook.metadata.name, 'readyz');
    assert.equal(pod.status?.phase, 'Succeeded', log);
    assert.match(log, /readyz 200/);
  });
});

/** Polls `url` over new connections until stopped; counts answers, keeps 5xx statuses (connection errors retried). */
function pollService(url: string): {
  stop(): Promise<{ ok: number; serverErrors: number[]; connectionErrors: number }>;
} {
  const state = { running: true };
  const seen = { ok: 0, serverErrors: [] as number[], connectionErrors: 0 };
  const loop = (async () => {
    while (state.running) {
      try {
        const response = await freshFetch(url);
        if (response.status >= 500) seen.serverErrors.push(response.status);
        else seen.ok += 1;
      } catch {
        seen.connectionErrors += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      state.running = false;
      await loop;
      return seen;
    },
  };
}

/**
 * Runs `request` in a loop until stopped, as a busy client would. A connection error (reset, refused: a pod going
 * away) is retried once at once, as HTTP clients do, and counted; anything else, an HTTP error status included, or a
 * retry that fails again, is a failure. (A 503 `temporarily_unavailable` seen here under load came from the node
 * agent, not the provider: its Service proxies ran on the test process's event loop, which stalled pods' Redis round
 * trips past the provider's 1 s command deadline; they run in a process of their own now, `proxy-main.ts`.)
 */
function tokenLoop(request: () => Promise<void>): {
  stop(): Promise<{ ok: number; retried: number; failures: string[] }>;
} {
  const state = { running: true };
  const seen = { ok: 0, retried: 0, failures: [] as string[] };
  const isConnectionError = (error: unknown): boolean =>
    /ECONNRESET|ECONNREFUSED|socket hang up|EPIPE/.test(
      `${error instanceof Error ? error.message : String(error)} ${error instanceof Error && error.cause instanceof Error ? error.cause.message : ''}`,
    );
  const loop = (async () => {
    while (state.running) {
      try {
        await request();
        seen.ok += 1;
      } catch (error) {
        const detail = await describeFailure(error);
        if (!isConnectionError(error)) seen.failures.push(`${new Date().toISOString()} ${detail}`);
        else {
          seen.retried += 1;
          await request().then(
            () => (seen.ok += 1),
            async (again: unknown) =>
              seen.failures.push(`${new Date().toISOString()} after a retry: ${await describeFailure(again)}`),
          );
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      state.running = false;
      await loop;
      return seen;
    },
  };
}

/** What a failed request got: openid-client's message, and the HTTP status and body when there was an answer. */
async function describeFailure(error: unknown): Promise<string> {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Response) {
    const body = await cause.text().catch(() => '');
    return `${message}: ${cause.status} ${body.slice(0, 200)}`;
  }
  return message;
}
