/**
 * The OIDCClient reconciler against a real API server (kube-apiserver 1.20 + etcd) and a real provider: a platform
 * engineer applies an OIDCClient and the application gets working credentials in a Secret; spec changes update the
 * registration without rotating the secret; a provider that lost its storage gets the client back; an unreachable
 * provider is reported and recovered from; deleting unregisters unless deletionPolicy is Orphan; immutable fields
 * are guarded on a server too old for CEL.
 *
 * The provider runs in-process on 127.0.0.1 with the registration configuration the operator rendered into its
 * ConfigMap (the hash of the initial access token the operator generated), so the token round trip is real.
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { MERGE_PATCH, type KubeClient } from '../../../operator/kube/client.ts';
import type { OIDCClient } from '../../../operator/kube/crds.ts';
import { getObject, listObjects, resourcePath } from '../../../operator/kube/resources.ts';
import { startOperator, type RunningOperator } from '../../../operator/operator.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { installCrds } from '../../support/crds.ts';
import { freePort } from '../../support/free-port.ts';
import { applyManifest } from '../../support/kubectl.ts';
import { startTestProvider, type TestProvider } from '../../support/provider.ts';
import { eventually, testLog, testOperatorOptions } from '../support.ts';
import { reportProviderReady } from './deployment-ready.ts';

const ns = 'default';
const clientRef = (name: string) => ({ apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCClient', namespace: ns, name });
const secretRef = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name });
const decode = (secret: V1Secret | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

describe('OIDCClient reconciler with a real API server and a real provider', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let operator: RunningOperator | undefined;
  let provider: TestProvider | undefined;
  let kube: KubeClient;
  let issuer: string;
  let providerOverrides: Record<string, unknown>;
  const log = testLog();

  const startIdp = async (): Promise<void> => {
    provider = await startTestProvider(providerOverrides);
  };
  const getClient = (name: string) => getObject<OIDCClient>(kube, clientRef(name));
  const readyClient = (name: string, reason = 'Ready') =>
    eventually(`OIDCClient ${name} Ready reason ${reason}`, async () => {
      const client = await getClient(name);
      const ready = client?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.reason === reason && client?.status?.observedGeneration === client?.metadata.generation && client;
    });
  /** The registration as the provider answers RFC 7592 GET with the registration access token the operator keeps. */
  const readAtProvider = async (name: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const recorded = decode(await getObject<V1Secret>(kube, secretRef(`kubeoidc-registration-${name}`)));
    const response = await fetch(recorded.registrationClientUri ?? '', {
      headers: { authorization: `Bearer ${recorded.registrationAccessToken ?? ''}` },
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const clientCredentials = async (credentials: Record<string, string>): Promise<number> => {
    const basic = Buffer.from(`${credentials.CLIENT_ID}:${credentials.CLIENT_SECRET}`).toString('base64');
    const discovery = (await (
      await fetch(credentials.DISCOVERY_URL ?? '', { signal: AbortSignal.timeout(10_000) })
    ).json()) as { token_endpoint: string };
    const response = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(10_000),
    });
    return response.status;
  };
  const apply = (name: string, spec: Record<string, unknown>) =>
    applyManifest(cp!, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCClient',
      metadata: { name, namespace: ns },
      spec,
    });
  const patchSpec = (name: string, spec: Record<string, unknown>) =>
    kube.request('PATCH', resourcePath(clientRef(name)), { contentType: MERGE_PATCH, body: { spec } });

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    operator = await startOperator(
      testOperatorOptions(cp.kubeConfig(), 'clients-test', log, {
        discoveryTtlMs: 0,
        providerUrl: () => issuer,
        clientResyncMs: 500,
        unregisterGraceMs: 3000,
      }),
    );
    kube = operator.client;
    await applyManifest(cp, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCProvider',
      metadata: { name: 'idp', namespace: ns },
      spec: { issuer, redis: { url: 'redis://redis:6379' } },
    });
    // The registration settings exactly as the operator rendered them for the provider pods.
    const configMap = await eventually('the provider ConfigMap', () =>
      getObject<V1ConfigMap>(kube, secretRef('idp-config') && { ...secretRef('idp-config'), kind: 'ConfigMap' }),
    );
    const config = parse(configMap.data?.['config.yaml'] ?? '') as { features: { registration: unknown } };
    providerOverrides = { port, issuer, features: { registration: config.features.registration } };
    await startIdp();
    await reportProviderReady(kube, ns, 'idp');
  });
  after(async () => {
    await operator?.stop();
    await provider?.stop();
    await cp?.stop();
  });

  it('registers a client, writes its credentials Secret, and the credentials work at the token endpoint', async () => {
    await apply('billing', {
      providerRef: { name: 'idp' },
      clientId: 'billing-app',
      clientName: 'Billing',
      grantTypes: ['client_credentials'],
      responseTypes: [],
    });
    const client = await readyClient('billing');
    assert.equal(client.status?.clientId, 'billing-app');
    assert.equal(client.status?.secretName, 'billing');
    assert.deepEqual(client.metadata.finalizers, ['kubeoidc.dev/registration']);
    for (const type of ['Registered', 'SecretSynced']) {
      assert.equal(client.status?.conditions?.find((c) => c.type === type)?.status, 'True', type);
    }

    const secret = await getObject<V1Secret>(kube, secretRef('billing'));
    const credentials = decode(secret);
    assert.equal(credentials.CLIENT_ID, 'billing-app');
    assert.match(credentials.CLIENT_SECRET ?? '', /^.{32,}$/);
    assert.equal(credentials.ISSUER_URL, issuer);
    assert.equal(credentials.DISCOVERY_URL, `${issuer}/.well-known/openid-configuration`);
    assert.deepEqual(
      secret?.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]),
      [['OIDCClient', 'billing', client.metadata.uid, true]],
    );
    assert.ok(
      secret?.metadata?.managedFields?.some((f) => f.manager === 'kubeoidc-operator' && f.operation === 'Apply'),
    );

    const atProvider = await readAtProvider('billing');
    assert.equal(atProvider.status, 200);
    assert.equal(atProvider.body.client_name, 'Billing');
    assert.equal(await clientCredentials(credentials), 200);

    assert.ok(!JSON.stringify(client.status).includes(credentials.CLIENT_SECRET ?? '-'), 'no secret in status');
  });

  it('does not take over a Secret it does not own', async () => {
    await applyManifest(cp!, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'taken', namespace: ns },
      stringData: { mine: 'yes' },
    });
    await apply('intruder', {
      providerRef: { name: 'idp' },
      redirectUris: ['https://i.example.com/cb'],
      secret: { name: 'taken' },
    });
    const failed = await readyClient('intruder', 'ApplyFailed');
    assert.match(
      failed.status?.conditions?.find((c) => c.type === 'SecretSynced')?.message ?? '',
      /not owned by this OIDCClient/,
    );
    assert.deepEqual(decode(await getObject<V1Secret>(kube, secretRef('taken'))), { mine: 'yes' });
    await kube.request('DELETE', resourcePath(clientRef('intruder')));
  });

  it('updates the registration when redirectUris change, keeping the secret', async () => {
    await apply('portal', { providerRef: { name: 'idp' }, redirectUris: ['https://portal.example.com/cb'] });
    await readyClient('portal');
    const before = decode(await getObject<V1Secret>(kube, secretRef('portal')));
    assert.ok(before.CLIENT_ID && before.CLIENT_SECRET);

    await patchSpec('portal', { redirectUris: ['https://portal.example.com/cb', 'https://portal.example.com/cb2'] });
    await eventually('redirect_uris updated at the provider', async () => {
      const { body } = await readAtProvider('portal');
      return (body.redirect_uris as string[] | undefined)?.length === 2;
    });
    await readyClient('portal');
    assert.deepEqual(decode(await getObject<V1Secret>(kube, secretRef('portal'))), before);
  });

  it('reports ProviderUnavailable while the provider is down, and re-registers a client it lost under the same client_id', async () => {
    const old = decode(await getObject<V1Secret>(kube, secretRef('billing')));
    await provider?.stop();
    provider = undefined;
    const down = await readyClient('billing', 'ProviderUnavailable');
    assert.equal(down.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    assert.equal(down.status?.conditions?.find((c) => c.type === 'Registered')?.status, 'Unknown');

    await startIdp(); // same issuer and configuration, empty memory storage: every registration is lost
    const back = await eventually('a new client secret after re-registration', async () => {
      const now = decode(await getObject<V1Secret>(kube, secretRef('billing')));
      return now.CLIENT_SECRET !== old.CLIENT_SECRET && now;
    });
    await readyClient('billing');
    assert.equal(back.CLIENT_ID, 'billing-app');
    assert.equal(await clientCredentials(back), 200);
    assert.equal(await clientCredentials(old), 401);
  });

  it('refuses a change of an immutable field with InvalidSpec (the 1.20 server does not enforce CEL)', async () => {
    await patchSpec('billing', { clientId: 'renamed' });
    const invalid = await readyClient('billing', 'InvalidSpec');
    assert.match(invalid.status?.conditions?.find((c) => c.type === 'Ready')?.message ?? '', /clientId is immutable/);
    assert.equal(invalid.status?.clientId, 'billing-app');
    assert.equal((await readAtProvider('billing')).status, 200, 'the registration is left alone');
    await patchSpec('billing', { clientId: 'billing-app' });
    await readyClient('billing');
  });

  it('unregisters on delete and removes the finalizer; deletionPolicy Orphan leaves the client registered', async () => {
    await apply('keeper', {
      providerRef: { name: 'idp' },
      deletionPolicy: 'Orphan',
      redirectUris: ['https://k.example.com/cb'],
    });
    await readyClient('keeper');
    const keeperRecord = await getObject<V1Secret>(kube, secretRef('kubeoidc-registration-keeper'));
    const portalRecord = await getObject<V1Secret>(kube, secretRef('kubeoidc-registration-portal'));
    const readWith = async (record: V1Secret | undefined): Promise<number> => {
      const r = decode(record);
      const response = await fetch(r.registrationClientUri ?? '', {
        headers: { authorization: `Bearer ${r.registrationAccessToken ?? ''}` },
      });
      return response.status;
    };

    await kube.request('DELETE', resourcePath(clientRef('portal')));
    await kube.request('DELETE', resourcePath(clientRef('keeper')));
    await eventually(
      'both OIDCClients gone',
      async () => (await getClient('portal')) === undefined && (await getClient('keeper')) === undefined,
    );
    assert.equal(await readWith(portalRecord), 401, 'portal is unregistered');
    assert.equal(await readWith(keeperRecord), 200, 'keeper stays registered');
  });

  it('deleting while the provider is down waits with ProviderUnavailable, then gives up after the grace period', async () => {
    await apply('legacy', { providerRef: { name: 'idp' }, redirectUris: ['https://legacy.example.com/cb'] });
    await readyClient('legacy');
    await provider?.stop();
    provider = undefined;
    try {
      await kube.request('DELETE', resourcePath(clientRef('legacy')));
      const waiting = await readyClient('legacy', 'ProviderUnavailable');
      assert.ok(waiting.metadata.deletionTimestamp !== undefined);
      assert.deepEqual(waiting.metadata.finalizers, ['kubeoidc.dev/registration']);
      await eventually('legacy deleted after the grace period', async () => (await getClient('legacy')) === undefined);
    } finally {
      await startIdp();
    }
  });

  it('records Events for what it did, with no credential in them', async () => {
    const events = await listObjects<
      { reason?: string; note?: string; regarding?: { name?: string } } & { metadata?: object }
    >(kube, { apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns });
    const reasons = new Set(events.items.filter((e) => e.regarding?.name !== 'idp').map((e) => e.reason));
    for (const reason of [
      'Registered',
      'Updated',
      'SecretWritten',
      'ProviderUnavailable',
      'InvalidSpec',
      'Unregistered',
      'Orphaned',
    ]) {
      assert.ok(reasons.has(reason), `no ${reason} Event (have ${[...reasons].join(', ')})`);
    }
    const secrets = (await listObjects<V1Secret>(kube, { apiVersion: 'v1', kind: 'Secret', namespace: ns })).items
      .flatMap((s) => Object.values(decode(s)))
      .filter((value) => value.length >= 32 && !value.startsWith('http'));
    const notes = JSON.stringify(events.items.map((e) => e.note));
    for (const value of secrets) assert.ok(!notes.includes(value), 'an Event note carries a credential');
    // The only reconcile failures were the provider's outage.
    assert.deepEqual(
      log.errors.filter(
        (e) => e.includes('OIDCClient') && !/provider unreachable|not owned by this OIDCClient/.test(e),
      ),
      [],
    );
  });
});
