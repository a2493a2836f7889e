/**
 * User story: a team alerts on its own application's tokens. Its OIDCClient opts in with `spec.metrics.label: true`;
 * the operator renders the client id into the provider's metrics label allowlist, oldest client first, up to the
 * OIDCProvider's `spec.metrics.maxClientLabels`; a client over the limit is told so (MetricLabel condition
 * MetricLabelLimitReached and a Warning Event) and counted as `other`; dropping an opt-in frees the place for the next.
 *
 * Real parts: kube-apiserver 1.20 + etcd with the operator, a Redis, and a provider in-process on 127.0.0.1 that runs
 * the configuration the operator rendered (registration settings, storage and the allowlist). The provider is
 * restarted with the rendered allowlist as the pods would be (the configuration checksum on the Deployment changed);
 * its state is in Redis, so the registered clients survive that, and its own /metrics show who got a label.
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { MERGE_PATCH, type KubeClient } from '../../../operator/kube/client.ts';
import type { Condition, OIDCClient } from '../../../operator/kube/crds.ts';
import { getObject, listObjects, resourcePath } from '../../../operator/kube/resources.ts';
import { startOperator, type RunningOperator } from '../../../operator/operator.ts';
import { configChecksum } from '../../../operator/providers/render/config-map.ts';
import { CONFIG_CHECKSUM_ANNOTATION } from '../../../operator/providers/render/meta.ts';
import type { ProviderConfig } from '../../../provider/config/options.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { installCrds } from '../../support/crds.ts';
import { freePort } from '../../support/free-port.ts';
import { applyManifest } from '../../support/kubectl.ts';
import { startTestProvider, type TestProvider } from '../../support/provider.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { eventually, testLog } from '../support.ts';
import { reportProviderReady } from './deployment-ready.ts';

const ns = 'default';
const clientRef = (name: string) => ({ apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCClient', namespace: ns, name });
const ref = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, namespace: ns, name });
const decode = (secret: V1Secret | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

/** The value of the sample of `name` whose labels are exactly `labels`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = `${name}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',')}} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(wanted));
  return line === undefined ? undefined : Number(line.slice(wanted.length));
}

describe('OIDCClient metric labels with a real API server, operator and provider', { timeout: 240_000 }, () => {
  let cp: ControlPlane | undefined;
  let operator: RunningOperator | undefined;
  let provider: TestProvider | undefined;
  let redis: RedisServer | undefined;
  let kube: KubeClient;
  let port: number;
  let issuer: string;
  const log = testLog();

  const renderedConfig = async (): Promise<{ text: string; config: ProviderConfig }> => {
    const configMap = await getObject<V1ConfigMap>(kube, ref('v1', 'ConfigMap', 'idp-config'));
    const text = configMap?.data?.['config.yaml'] ?? '';
    return { text, config: parse(text) as ProviderConfig };
  };
  /** Starts the provider with what the operator rendered, as a rolled-out pod would run it. */
  const startIdp = async (): Promise<void> => {
    const { config } = await renderedConfig();
    provider = await startTestProvider({
      port,
      issuer,
      storage: config.storage,
      features: { registration: config.features.registration },
      metricsClientAllowlist: config.metricsClientAllowlist,
      metricsPort: await freePort(),
    });
  };
  const allowlist = async (): Promise<string[]> => (await renderedConfig()).config.metricsClientAllowlist;
  const metricLabel = async (name: string): Promise<Condition | undefined> =>
    (await getObject<OIDCClient>(kube, clientRef(name)))?.status?.conditions?.find((c) => c.type === 'MetricLabel');
  const waitForLabel = (name: string, reason: string) =>
    eventually(`OIDCClient ${name} MetricLabel ${reason}`, async () => {
      const condition = await metricLabel(name);
      return condition?.reason === reason && condition;
    });
  const eventsOf = async (name: string) =>
    (
      await listObjects<{ type?: string; reason?: string; regarding?: { name?: string } } & { metadata?: object }>(
        kube,
        { apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns },
      )
    ).items.filter((event) => event.regarding?.name === name);
  const deploymentChecksum = async (): Promise<string | undefined> =>
    (await getObject<V1Deployment>(kube, ref('apps/v1', 'Deployment', 'idp')))?.spec?.template?.metadata?.annotations?.[
      CONFIG_CHECKSUM_ANNOTATION
    ];
  const applyClient = (name: string, clientId: string, label: boolean | undefined) =>
    applyManifest(cp!, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCClient',
      metadata: { name, namespace: ns },
      spec: {
        providerRef: { name: 'idp' },
        clientId,
        grantTypes: ['client_credentials'],
        responseTypes: [],
        ...(label === undefined ? {} : { metrics: { label } }),
      },
    });
  /** Runs client_credentials with the credentials the operator wrote for `name`. */
  const tokenFor = async (name: string): Promise<number> => {
    const credentials = decode(await getObject<V1Secret>(kube, ref('v1', 'Secret', name)));
    const basic = Buffer.from(`${credentials.CLIENT_ID}:${credentials.CLIENT_SECRET}`).toString('base64');
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(10_000),
    });
    return response.status;
  };

  before(async () => {
    redis = await startRedis();
    cp = await startControlPlane();
    await installCrds(cp);
    port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    operator = await startOperator({
      kubeConfig: cp.kubeConfig(),
      identity: 'metric-labels-test',
      leaseNamespace: ns,
      leaseTiming: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 500 },
      healthPort: 0,
      healthHost: '127.0.0.1',
      discoveryTtlMs: 0,
      log,
      providerUrl: () => issuer,
      clientResyncMs: 1000,
    });
    kube = operator.client;
    await applyManifest(cp, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCProvider',
      metadata: { name: 'idp', namespace: ns },
      spec: { issuer, redis: { url: redis.url }, metrics: { maxClientLabels: 2 } },
    });
    await eventually('the provider ConfigMap', async () => (await renderedConfig()).text !== '');
    await startIdp();
    await reportProviderReady(kube, ns, 'idp');
  });
  after(async () => {
    await operator?.stop();
    await provider?.stop();
    await cp?.stop();
    await redis?.stop();
  });

  it('labels opted-in clients oldest first up to maxClientLabels; the next is told MetricLabelLimitReached and stays other', async () => {
    assert.deepEqual(await allowlist(), [], 'nobody opted in yet');
    const before = await deploymentChecksum();
    // Applied oldest first; within one creation second the names break the tie the same way.
    await applyClient('a-orders', 'orders-app', true);
    await applyClient('b-billing', 'billing-app', true);
    await applyClient('c-reports', 'reports-app', true);
    await applyClient('d-plain', 'plain-app', undefined);

    await eventually('the allowlist of the two oldest opted-in clients', async () => {
      const ids = await allowlist();
      return ids.join(',') === 'orders-app,billing-app' && ids;
    });
    await waitForLabel('a-orders', 'MetricLabelled');
    await waitForLabel('b-billing', 'MetricLabelled');
    const over = await waitForLabel('c-reports', 'MetricLabelLimitReached');
    assert.equal(over.status, 'False');
    assert.match(over.message, /grants 2 client label\(s\).*"other"/);
    const reports = await getObject<OIDCClient>(kube, clientRef('c-reports'));
    assert.equal(reports?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', 'still Ready');
    await eventually(
      'd-plain registered',
      async () => (await getObject<OIDCClient>(kube, clientRef('d-plain')))?.status?.clientId === 'plain-app',
    );
    assert.equal(await metricLabel('d-plain'), undefined, 'no MetricLabel condition without the opt-in');
    const warning = await eventually('the MetricLabelLimitReached Event', async () =>
      (await eventsOf('c-reports')).find((e) => e.reason === 'MetricLabelLimitReached'),
    );
    assert.equal(warning.type, 'Warning');

    // The allowlist is configuration: the pods roll.
    const { text } = await renderedConfig();
    const after = await eventually('the Deployment carries the new checksum', async () => {
      const checksum = await deploymentChecksum();
      return checksum === configChecksum(text) && checksum;
    });
    assert.notEqual(after, before);

    // The provider, restarted with the rendered configuration, counts by the allowlist.
    await provider?.stop();
    await startIdp();
    for (const name of ['a-orders', 'b-billing', 'c-reports', 'd-plain']) assert.equal(await tokenFor(name), 200, name);
    const metrics = await (await fetch(`http://127.0.0.1:${provider!.metricsPort!}/metrics`)).text();
    const issued = (client: string) =>
      sample(metrics, 'kubeoidc_tokens_issued_total', {
        type: 'client_credentials',
        grant_type: 'client_credentials',
        client,
      });
    assert.equal(issued('orders-app'), 1);
    assert.equal(issued('billing-app'), 1);
    assert.equal(issued('other'), 2, 'reports-app (over the limit) and plain-app (not opted in)');
    assert.doesNotMatch(metrics, /client="(reports-app|plain-app)"/);
  });

  it('a client that drops its opt-in frees its place: the next in line is labelled and the configuration changes', async () => {
    const before = await deploymentChecksum();
    await kube.request('PATCH', resourcePath(clientRef('a-orders')), {
      contentType: MERGE_PATCH,
      body: { spec: { metrics: { label: false } } },
    });
    await eventually('the allowlist after a-orders opted out', async () => {
      const ids = await allowlist();
      return ids.join(',') === 'billing-app,reports-app' && ids;
    });
    await waitForLabel('c-reports', 'MetricLabelled');
    await eventually(
      'a-orders has no MetricLabel condition',
      async () => (await metricLabel('a-orders')) === undefined,
    );
    const promoted = await eventually('the MetricLabelled Event', async () =>
      (await eventsOf('c-reports')).find((e) => e.reason === 'MetricLabelled'),
    );
    assert.equal(promoted.type, 'Normal');
    await eventually('a new checksum on the Deployment', async () => (await deploymentChecksum()) !== before);
    assert.deepEqual(
      log.errors.filter((e) => !/provider unreachable/.test(e)),
      [],
    );
  });
});
