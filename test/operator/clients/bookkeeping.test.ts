/**
 * What the OIDCClient reconciler guarantees when things fail around a registration, against a real API server and a
 * real provider (in-process on 127.0.0.1, behind a counting proxy), with the operator running as a ServiceAccount
 * bound to the rules of `operator/rbac.ts`:
 *
 * - nothing is registered before the OIDCProvider is Ready;
 * - a name the client's Secrets cannot carry is refused before anything is registered;
 * - when writing the record fails for real right after the provider answered (the operator's RBAC is revoked in
 *   between), the retries record that answer: one OIDCClient, one client at the provider; and an operator restarted
 *   in that window is refused by the provider instead of registering a second client;
 * - a registration the provider refuses (a duplicate client id) is reported once and retried only on a spec change;
 * - deletion with `propagationPolicy: Foreground` unregisters: the registration access token is out of the garbage
 *   collector's reach; and a lost registration record is a Warning, not silence;
 * - with `spec.registrationEndpoint` an https URL, registration goes over TLS verified with the CA it names.
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig, type V1ConfigMap, type V1Secret } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { httpRegistrationApi } from '../../../operator/clients/http-registration-api.ts';
import { kubeClient, MERGE_PATCH, type KubeClient } from '../../../operator/kube/client.ts';
import type { OIDCClient } from '../../../operator/kube/crds.ts';
import { getObject, listObjects, resourcePath } from '../../../operator/kube/resources.ts';
import { startOperator, type RunningOperator } from '../../../operator/operator.ts';
import { clusterRoleRules, leaderElectionRoleRules } from '../../../operator/rbac.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { installCrds } from '../../support/crds.ts';
import { freePort } from '../../support/free-port.ts';
import { applyManifest } from '../../support/kubectl.ts';
import { startTestProvider, type TestProvider } from '../../support/provider.ts';
import { eventually, testLog } from '../support.ts';
import { reportProviderReady } from './deployment-ready.ts';
import { startRegistrationProxy, type RegistrationProxy } from './registration-proxy.ts';
import { selfSignedCertificate } from './self-signed.ts';

const ns = 'default';
const system = 'kubeoidc-system';
const clientRef = (name: string) => ({ apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCClient', namespace: ns, name });
const secretRef = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name });
const decode = (secret: V1Secret | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
const WRITES = ['create', 'patch', 'update', 'delete'];

/** The operator's rules with every write of Secrets taken out (granted by a RoleBinding the test can revoke). */
const rulesWithoutSecretWrites = clusterRoleRules.flatMap((rule) => {
  if (!(rule.resources ?? []).includes('secrets')) return [rule];
  const others = (rule.resources ?? []).filter((resource) => resource !== 'secrets');
  const reads = (rule.verbs ?? []).filter((verb) => !WRITES.includes(verb));
  return [
    ...(others.length > 0 ? [{ ...rule, resources: others }] : []),
    ...(reads.length > 0 ? [{ ...rule, resources: ['secrets'], verbs: reads }] : []),
  ];
});
const secretWriterBinding = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'secret-writer', namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secret-writer' },
  subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: system }],
};

describe('OIDCClient registration bookkeeping with a real API server and a real provider', { timeout: 240_000 }, () => {
  let cp: ControlPlane | undefined;
  let operator: RunningOperator | undefined;
  let provider: TestProvider | undefined;
  let proxy: RegistrationProxy | undefined;
  let admin: KubeClient;
  let issuer: string;
  let startOperatorAs: (identity: string) => Promise<RunningOperator>;
  const created: string[] = []; // client ids the provider registered, in order
  const log = testLog();

  const getClient = (name: string) => getObject<OIDCClient>(admin, clientRef(name));
  const condition = (client: OIDCClient | undefined, type: string) =>
    client?.status?.conditions?.find((c) => c.type === type);
  const clientWith = (name: string, type: string, reason: string) =>
    eventually(`OIDCClient ${name} ${type} reason ${reason}`, async () => {
      const client = await getClient(name);
      return (
        condition(client, type)?.reason === reason &&
        client?.status?.observedGeneration === client?.metadata.generation &&
        client
      );
    });
  const apply = (name: string, spec: Record<string, unknown>) =>
    applyManifest(cp!, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCClient',
      metadata: { name, namespace: ns },
      spec,
    });
  const eventsOf = async (name: string) =>
    (
      await listObjects<
        { reason?: string; type?: string; note?: string; regarding?: { name?: string } } & { metadata?: object }
      >(admin, { apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns })
    ).items.filter((event) => event.regarding?.name === name);
  const readAtProvider = async (record: Record<string, string>): Promise<number> =>
    (
      await fetch(record.registrationClientUri ?? '', {
        headers: { authorization: `Bearer ${record.registrationAccessToken ?? ''}` },
        signal: AbortSignal.timeout(10_000),
      })
    ).status;
  const revokeSecretWrites = async (): Promise<void> => {
    await admin.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/secret-writer`);
    await eventually('the operator may not patch Secrets', async () => !(await mayPatchSecrets()));
  };
  const mayPatchSecrets = async (): Promise<boolean> => {
    const review = await admin.request<{ status?: { allowed?: boolean } }>(
      'POST',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: `system:serviceaccount:${system}:operator`,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${system}`, 'system:authenticated'],
            resourceAttributes: { namespace: ns, verb: 'patch', resource: 'secrets' },
          },
        },
      },
    );
    return review.status?.allowed === true;
  };

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
    admin = kubeClient(cp.kubeConfig());
    await applyManifest(cp, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: system } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'operator', namespace: system } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'kubeoidc-operator' },
        rules: rulesWithoutSecretWrites,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'kubeoidc-operator' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeoidc-operator' },
        subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: system }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'secret-writer', namespace: ns },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: WRITES }],
      },
      secretWriterBinding,
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'kubeoidc-operator-leader-election', namespace: system },
        rules: leaderElectionRoleRules,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'kubeoidc-operator-leader-election', namespace: system },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubeoidc-operator-leader-election' },
        subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: system }],
      },
    ]);
    const request = await admin.request<{ status: { token: string } }>(
      'POST',
      `/api/v1/namespaces/${system}/serviceaccounts/operator/token`,
      { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } } },
    );
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: cp.server, skipTLSVerify: true }],
      users: [{ name: 'operator', token: request.status.token }],
      contexts: [{ name: 'test', cluster: 'test', user: 'operator', namespace: system }],
      currentContext: 'test',
    });

    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    proxy = await startRegistrationProxy(() => issuer);
    startOperatorAs = (identity: string) =>
      startOperator({
        kubeConfig: kc,
        identity,
        leaseNamespace: system,
        leaseTiming: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 500 },
        healthPort: 0,
        healthHost: '127.0.0.1',
        discoveryTtlMs: 0,
        log,
        providerUrl: () => proxy?.url ?? '',
        // Room for the proxy's test step (revoking RBAC) between the provider's answer and the operator hearing it.
        registration: httpRegistrationApi({ timeoutMs: 30_000 }),
        clientResyncMs: 500,
        unregisterGraceMs: 3000,
      });
    operator = await startOperatorAs('bookkeeping-test');
    await applyManifest(cp, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCProvider',
      metadata: { name: 'idp', namespace: ns },
      spec: { issuer, redis: { url: 'redis://redis:6379' } },
    });
    const configMap = await eventually('the provider ConfigMap', () =>
      getObject<V1ConfigMap>(admin, { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'idp-config' }),
    );
    const config = parse(configMap.data?.['config.yaml'] ?? '') as { features: { registration: unknown } };
    provider = await startTestProvider({ port, issuer, features: { registration: config.features.registration } });
    provider.events.on('registration_create.success', (_ctx, client) => {
      created.push(client.clientId);
    });
  });
  after(async () => {
    if (process.env.DEBUG_BOOKKEEPING) console.error([...log.errors.slice(-40), ...(proxy?.errors ?? [])].join('\n'));
    await operator?.stop();
    await proxy?.close();
    await provider?.stop();
    await cp?.stop();
  });

  it('waits for the OIDCProvider to be Ready before registering', async () => {
    await apply('early', { providerRef: { name: 'idp' }, redirectUris: ['https://early.example.com/cb'] });
    const waiting = await clientWith('early', 'Registered', 'ProviderNotReady');
    assert.equal(condition(waiting, 'Ready')?.status, 'False');
    await sleep(1500); // several resyncs (500 ms) while the provider is not Ready
    assert.deepEqual(created, [], 'nothing registered before the provider is Ready');

    await reportProviderReady(admin, ns, 'idp');
    const ready = await clientWith('early', 'Ready', 'Ready');
    assert.deepEqual(created, [ready.status?.clientId]);
  });

  it('refuses a name its Secrets cannot carry before registering anything', async () => {
    const before = proxy!.registrations.size;
    const name = `a${'b'.repeat(62)}c`; // 64 characters: a valid OIDCClient name, not a valid label value
    await apply(name, { providerRef: { name: 'idp' }, redirectUris: ['https://long.example.com/cb'] });
    const invalid = await clientWith(name, 'Ready', 'InvalidSpec');
    assert.match(
      condition(invalid, 'Ready')?.message ?? '',
      /metadata\.name is 64 characters long .*app\.kubernetes\.io\/instance/,
    );
    await sleep(1500);
    assert.equal(proxy!.registrations.size, before, 'no registration attempted');
    assert.ok((await eventsOf(name)).some((e) => e.type === 'Warning' && e.reason === 'InvalidSpec'));
    await admin.request('DELETE', resourcePath(clientRef(name)));
  });

  it('records the answer of a registration whose record could not be written, instead of registering again', async () => {
    const before = created.length;
    // The provider has registered the client; before the operator hears of it, it loses the right to write Secrets.
    proxy!.afterNextRegistration = revokeSecretWrites;
    await apply('flaky', { providerRef: { name: 'idp' }, redirectUris: ['https://flaky.example.com/cb'] });
    await eventually('a registration made', () => Promise.resolve(created.length > before));
    await sleep(3000); // the work queue retries (100 ms doubling) while writing Secrets is refused
    await applyManifest(cp!, secretWriterBinding);
    const ready = await clientWith('flaky', 'Ready', 'Ready');

    assert.deepEqual(created.slice(before), [ready.status?.clientId], 'exactly one client registered at the provider');
    const record = decode(await getObject<V1Secret>(admin, secretRef('kubeoidc-registration-flaky')));
    assert.equal(record.clientId, ready.status?.clientId);
    assert.equal(await readAtProvider(record), 200, 'the recorded registration access token manages that client');
    assert.equal(decode(await getObject<V1Secret>(admin, secretRef('flaky'))).CLIENT_ID, ready.status?.clientId);
    assert.ok(
      log.errors.some((e) => /flaky/.test(e) && /forbidden|403/i.test(e)),
      'the write really failed',
    );
  });

  it('after a restart between registering and recording, is refused by the provider rather than registering twice', async () => {
    const before = created.length;
    proxy!.afterNextRegistration = revokeSecretWrites;
    await apply('crash', { providerRef: { name: 'idp' }, redirectUris: ['https://crash.example.com/cb'] });
    await clientWith('crash', 'Registered', 'RecordFailed');
    const [registered] = created.slice(before);
    assert.ok(registered !== undefined);
    // The process ends with the answer only in its memory; a new one starts once Secrets can be written again.
    await operator?.stop();
    await applyManifest(cp!, secretWriterBinding);
    operator = await startOperatorAs('bookkeeping-test-2');

    const refused = await clientWith('crash', 'Registered', 'RegistrationRejected');
    assert.match(
      condition(refused, 'Registered')?.message ?? '',
      new RegExp(`already in use.*earlier attempt may have registered client id ${registered}`),
    );
    assert.equal(proxy!.registrations.get(registered), 2, 'the same client id asked for again');
    assert.deepEqual(created.slice(before), [registered], 'still one client at the provider');

    await admin.request('DELETE', resourcePath(clientRef('crash')));
    await eventually('crash gone', async () => (await getClient('crash')) === undefined);
    const warning = (await eventsOf('crash')).find((e) => e.reason === 'UnregisterFailed');
    assert.equal(warning?.type, 'Warning');
    assert.match(warning?.note ?? '', new RegExp(`client id ${registered}`));
  });

  it('reports a registration the provider refuses once, and retries it only when the spec changes', async () => {
    await apply('dup-a', {
      providerRef: { name: 'idp' },
      clientId: 'shared-id',
      redirectUris: ['https://a.example.com/cb'],
    });
    await clientWith('dup-a', 'Ready', 'Ready');
    await apply('dup-b', {
      providerRef: { name: 'idp' },
      clientId: 'shared-id',
      redirectUris: ['https://b.example.com/cb'],
    });
    const refused = await clientWith('dup-b', 'Registered', 'RegistrationRejected');
    assert.equal(condition(refused, 'Registered')?.status, 'False');
    assert.match(
      condition(refused, 'Registered')?.message ?? '',
      /invalid_client_metadata: client_id is already in use/,
    );
    await sleep(3000); // six resync periods and many backoff steps
    assert.equal(proxy!.registrations.get('shared-id'), 2, 'one attempt for dup-a, one for dup-b');
    const warnings = (await eventsOf('dup-b')).filter((e) => e.reason === 'RegistrationRejected');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.type, 'Warning');

    await admin.request('DELETE', resourcePath(clientRef('dup-a')));
    await eventually('dup-a gone', async () => (await getClient('dup-a')) === undefined);
    await admin.request('PATCH', resourcePath(clientRef('dup-b')), {
      contentType: MERGE_PATCH,
      body: { spec: { clientName: 'B' } },
    });
    const ready = await clientWith('dup-b', 'Ready', 'Ready');
    assert.equal(ready.status?.clientId, 'shared-id');
    assert.equal(proxy!.registrations.get('shared-id'), 3);
  });

  it('unregisters on foreground deletion: the registration access token is out of the garbage collector’s reach', async () => {
    await apply('fg', { providerRef: { name: 'idp' }, redirectUris: ['https://fg.example.com/cb'] });
    const client = await clientWith('fg', 'Ready', 'Ready');
    const recordSecret = await getObject<V1Secret>(admin, secretRef('kubeoidc-registration-fg'));
    assert.deepEqual(recordSecret?.metadata?.ownerReferences ?? [], [], 'nothing for the garbage collector to follow');
    const record = decode(recordSecret);
    assert.equal(await readAtProvider(record), 200);

    await admin.request('DELETE', resourcePath(clientRef('fg')), {
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground' },
    });
    // What the garbage collector (not running here) does first in a foreground deletion: delete the dependents that
    // block their owner's deletion. Only the credentials Secret is one.
    const secrets = await listObjects<V1Secret>(admin, { apiVersion: 'v1', kind: 'Secret', namespace: ns });
    const dependents = secrets.items.filter((s) =>
      s.metadata?.ownerReferences?.some((o) => o.uid === client.metadata.uid && o.blockOwnerDeletion === true),
    );
    assert.deepEqual(
      dependents.map((s) => s.metadata?.name),
      ['fg'],
    );
    for (const dependent of dependents)
      await admin.request('DELETE', resourcePath(secretRef(dependent.metadata?.name ?? '')));

    await eventually('the registration finalizer removed', async () => {
      const now = await getClient('fg');
      return now === undefined || !(now.metadata.finalizers ?? []).includes('kubeoidc.dev/registration');
    });
    assert.equal(await readAtProvider(record), 401, 'unregistered at the provider');
    assert.equal(await getObject<V1Secret>(admin, secretRef('kubeoidc-registration-fg')), undefined);
    assert.ok((await eventsOf('fg')).some((e) => e.reason === 'Unregistered'));
    // With a garbage collector the object would wait for it (the foregroundDeletion finalizer); none runs here.
    if ((await getClient('fg')) !== undefined) {
      await admin.request('PATCH', resourcePath(clientRef('fg')), {
        contentType: MERGE_PATCH,
        body: { metadata: { finalizers: null } },
      });
    }
  });

  it('records a Warning when the registration record is gone and the client cannot be unregistered', async () => {
    await apply('orphan', { providerRef: { name: 'idp' }, redirectUris: ['https://o.example.com/cb'] });
    const client = await clientWith('orphan', 'Ready', 'Ready');
    const count = created.length;
    await admin.request('DELETE', resourcePath(secretRef('kubeoidc-registration-orphan')));
    const refused = await clientWith('orphan', 'Registered', 'RegistrationRejected');
    assert.match(condition(refused, 'Registered')?.message ?? '', /earlier attempt may have registered client id/);
    assert.equal(created.length, count, 'no second client registered');

    await admin.request('DELETE', resourcePath(clientRef('orphan')));
    await eventually('orphan gone', async () => (await getClient('orphan')) === undefined);
    const warning = (await eventsOf('orphan')).find((e) => e.reason === 'UnregisterFailed');
    assert.equal(warning?.type, 'Warning');
    assert.match(warning?.note ?? '', new RegExp(`client id ${client.status?.clientId ?? '?'}`));
  });

  it('registers over TLS at spec.registrationEndpoint, verified with the CA of caSecretRef', async () => {
    const certificate = selfSignedCertificate();
    const tls = await startRegistrationProxy(() => issuer, certificate);
    try {
      const endpoint = { url: tls.url, caSecretRef: { name: 'idp-endpoint-ca', key: 'ca.crt' } };
      await admin.request('PATCH', resourcePath({ ...clientRef('idp'), kind: 'OIDCProvider' }), {
        contentType: MERGE_PATCH,
        body: { spec: { registrationEndpoint: endpoint } },
      });
      await apply('secure', { providerRef: { name: 'idp' }, redirectUris: ['https://secure.example.com/cb'] });
      const missing = await clientWith('secure', 'Registered', 'ProviderUnavailable');
      assert.match(condition(missing, 'Registered')?.message ?? '', /Secret idp-endpoint-ca has no key ca\.crt/);
      assert.equal(tls.registrations.size, 0);

      await applyManifest(cp!, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'idp-endpoint-ca', namespace: ns },
        stringData: { 'ca.crt': certificate.cert },
      });
      const ready = await clientWith('secure', 'Ready', 'Ready');
      assert.equal(tls.registrations.get(ready.status?.clientId ?? ''), 1, 'registered through the TLS endpoint');
    } finally {
      if (process.env.DEBUG_BOOKKEEPING) console.error(tls.errors.join('\n'));
      await admin.request('PATCH', resourcePath({ ...clientRef('idp'), kind: 'OIDCProvider' }), {
        contentType: MERGE_PATCH,
        body: { spec: { registrationEndpoint: null } },
      });
      await tls.close();
    }
  });
});
