/**
 * The operator runs with exactly the RBAC rules of `operator/rbac.ts`: a ServiceAccount bound to them (token from the
 * TokenRequest API) reconciles an OIDCProvider end to end on a real API server, and is refused what it was not given.
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
import { eventually, sampleProvider, testLog } from './support.ts';

describe('operator RBAC', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let operator: RunningOperator | undefined;
  let kc: KubeConfig;
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
        subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: 'kubeoidc-system' }],
      },
    ]);
    const admin = kubeClient(cp.kubeConfig());
    const request = await admin.request<{ status: { token: string } }>(
      'POST',
      '/api/v1/namespaces/kubeoidc-system/serviceaccounts/operator/token',
      { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } } },
    );
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: cp.server, skipTLSVerify: true }],
      users: [{ name: 'operator', token: request.status.token }],
      contexts: [{ name: 'test', cluster: 'test', user: 'operator', namespace: 'kubeoidc-system' }],
      currentContext: 'test',
    });
  });
  after(async () => {
    await operator?.stop();
    await cp?.stop();
  });

  it('reconciles an OIDCProvider with only the ClusterRole and leader-election Role', async () => {
    operator = await startOperator({
      kubeConfig: kc,
      identity: 'rbac-test',
      leaseNamespace: 'kubeoidc-system',
      leaseTiming: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 500 },
      healthPort: 0,
      healthHost: '127.0.0.1',
      log,
      // No provider runs here: OIDCClients find it unreachable (a closed loopback port), which is enough to
      // exercise their finalizer, status and Events under these rules.
      providerUrl: () => `http://127.0.0.1:${closedPort}`,
    });
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
});
