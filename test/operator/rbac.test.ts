/**
 * The operator runs with exactly the RBAC rules of `operator/rbac.ts`: a ServiceAccount bound to them (token from the
 * TokenRequest API) reconciles an OIDCProvider end to end on a real API server, and is refused what it was not given.
 * The same rules in a Role of the one namespace an operator watches (what the chart renders for
 * `operator.watchNamespace`) are enough for that namespace, and give nothing elsewhere.
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeClient, KubeApiError } from '../../operator/kube/client.ts';
import type { OIDCClient, OIDCProvider } from '../../operator/kube/crds.ts';
import { getObject } from '../../operator/kube/resources.ts';
import { startOperator, type RunningOperator } from '../../operator/operator.ts';
import { clusterRoleRules, leaderElectionRoleRules } from '../../operator/rbac.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { freePort } from '../support/free-port.ts';
import { applyManifest } from '../support/kubectl.ts';
import { reportProviderReady } from './clients/deployment-ready.ts';
import { eventually, sampleProvider, testLog, testOperatorOptions } from './support.ts';

describe('operator RBAC', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let operator: RunningOperator | undefined;
  let kc: KubeConfig;
  let teamKc: KubeConfig;
  let teamOperator: RunningOperator | undefined;
  let closedPort: number;
  const log = testLog();

  before(async () => {
    cp = await startControlPlane();
    closedPort = await freePort();
    await installCrds(cp);
    await applyManifest(cp, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeoidc-system' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'operator', namespace: 'kubeoidc-system' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'kubeoidc-operator' },
        rules: clusterRoleRules,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'kubeoidc-operator' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeoidc-operator' },
        subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: 'kubeoidc-system' }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'kubeoidc-operator-leader-election', namespace: 'kubeoidc-system' },
        rules: leaderElectionRoleRules,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'kubeoidc-operator-leader-election', namespace: 'kubeoidc-system' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubeoidc-operator-leader-election' },
        subjects: [
          { kind: 'ServiceAccount', name: 'operator', namespace: 'kubeoidc-system' },
          { kind: 'ServiceAccount', name: 'team-operator', namespace: 'kubeoidc-system' },
        ],
      },
      // The namespaced install: the reconcilers' rules in a Role of the watched namespace only.
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'team-operator', namespace: 'kubeoidc-system' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'kubeoidc-operator', namespace: 'team' },
        rules: clusterRoleRules,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'kubeoidc-operator', namespace: 'team' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubeoidc-operator' },
        subjects: [{ kind: 'ServiceAccount', name: 'team-operator', namespace: 'kubeoidc-system' }],
      },
    ]);
    kc = await serviceAccountConfig(cp, 'operator');
    teamKc = await serviceAccountConfig(cp, 'team-operator');
  });
  after(async () => {
    await operator?.stop();
    await teamOperator?.stop();
    await cp?.stop();
  });

  it('reconciles an OIDCProvider with only the ClusterRole and leader-election Role', async () => {
    operator = await startOperator(
      testOperatorOptions(kc, 'rbac-test', log, {
        leaseNamespace: 'kubeoidc-system',
        // No provider runs here: OIDCClients find it unreachable (a closed loopback port), which is enough to
        // exercise their finalizer, status and Events under these rules.
        providerUrl: () => `http://127.0.0.1:${closedPort}`,
      }),
    );
    await applyManifest(cp!, sampleProvider('oidcprovider-minimal.yaml'));
    const client = kubeClient(kc);
    const status = await eventually(
      'status written by the operator',
      async () =>
        (
          await getObject<OIDCProvider>(client, {
            apiVersion: 'kubeoidc.dev/v1alpha1',
            kind: 'OIDCProvider',
            namespace: 'default',
            name: 'minimal',
          })
        )?.status,
    );
    assert.equal(status.conditions?.find((c) => c.type === 'Degraded')?.status, 'False');
    assert.equal(status.conditions?.find((c) => c.type === 'KeysReady')?.status, 'True');
    assert.deepEqual(log.errors, []);
  });

  it('reconciles an OIDCClient with the same rules: finalizer, status, Events', async () => {
    // Registration waits for a Ready provider; no deployment controller runs here to say so.
    await reportProviderReady(kubeClient(cp!.kubeConfig()), 'default', 'minimal');
    await applyManifest(cp!, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCClient',
      metadata: { name: 'app', namespace: 'default' },
      spec: { providerRef: { name: 'minimal' }, redirectUris: ['https://app.example.com/cb'] },
    });
    const client = kubeClient(kc);
    const app = await eventually('OIDCClient status written by the operator', async () => {
      const object = await getObject<OIDCClient>(client, {
        apiVersion: 'kubeoidc.dev/v1alpha1',
        kind: 'OIDCClient',
        namespace: 'default',
        name: 'app',
      });
      return object?.status?.conditions?.find((c) => c.type === 'Ready')?.reason === 'ProviderUnavailable' && object;
    });
    assert.deepEqual(app.metadata.finalizers, ['kubeoidc.dev/registration']);
    assert.deepEqual(
      log.errors.filter((e) => !e.includes('provider unreachable')),
      [],
    );
  });

  it('is refused what the rules do not grant', async () => {
    const client = kubeClient(kc);
    await assert.rejects(
      client.request('GET', '/api/v1/namespaces/default/pods'),
      (error: unknown) => error instanceof KubeApiError && error.status === 403,
    );
    await assert.rejects(
      client.request('DELETE', '/api/v1/namespaces/default/configmaps/minimal-config'),
      (error: unknown) => error instanceof KubeApiError && error.status === 403,
    );
  });

  it('reconciles in the watched namespace with the rules in a Role there, and may do nothing elsewhere', async () => {
    // Only the namespaced operator runs now, so whatever reconciles the provider in `team` does it with the Role.
    await operator?.stop();
    operator = undefined;
    teamOperator = await startOperator({
      kubeConfig: teamKc,
      identity: 'rbac-team-test',
      watchNamespace: 'team',
      leaseNamespace: 'kubeoidc-system',
      leaseName: 'kubeoidc-operator-team',
      leaseTiming: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 500 },
      healthPort: 0,
      healthHost: '127.0.0.1',
      log,
      providerUrl: () => `http://127.0.0.1:${closedPort}`,
    });
    const provider = sampleProvider('oidcprovider-minimal.yaml');
    provider.metadata.namespace = 'team';
    await applyManifest(cp!, provider);
    const client = kubeClient(teamKc);
    const status = await eventually(
      'status written by the namespaced operator',
      async () =>
        (
          await getObject<OIDCProvider>(client, {
            apiVersion: 'kubeoidc.dev/v1alpha1',
            kind: 'OIDCProvider',
            namespace: 'team',
            name: 'minimal',
          })
        )?.status,
    );
    assert.equal(status.conditions?.find((c) => c.type === 'Degraded')?.status, 'False');
    assert.equal(status.conditions?.find((c) => c.type === 'KeysReady')?.status, 'True');
    const forbidden = (error: unknown) => error instanceof KubeApiError && error.status === 403;
    await assert.rejects(client.request('GET', '/api/v1/secrets'), forbidden);
    await assert.rejects(client.request('GET', '/api/v1/namespaces/default/secrets/minimal-keys'), forbidden);
    await assert.rejects(client.request('GET', '/apis/kubeoidc.dev/v1alpha1/oidcproviders'), forbidden);
    assert.deepEqual(
      log.errors.filter((e) => !e.includes('provider unreachable')),
      [],
    );
  });
});

/** A kubeconfig with a TokenRequest token of the ServiceAccount `name` in kubeoidc-system. */
async function serviceAccountConfig(cp: ControlPlane, name: string): Promise<KubeConfig> {
  const admin = kubeClient(cp.kubeConfig());
  const request = await admin.request<{ status: { token: string } }>(
    'POST',
    `/api/v1/namespaces/kubeoidc-system/serviceaccounts/${name}/token`,
    { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } } },
  );
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server: cp.server, skipTLSVerify: true }],
    users: [{ name, token: request.status.token }],
    contexts: [{ name: 'test', cluster: 'test', user: name, namespace: 'kubeoidc-system' }],
    currentContext: 'test',
  });
  return kc;
}
