/**
 * A ServiceAccount with exactly the RBAC rules a test gives it, and a kubeconfig with its token (from the
 * TokenRequest API), so tests can run code with missing permissions against a real API server.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ControlPlane } from './control-plane.ts';
import { applyManifest } from './kubectl.ts';
import { kubeConfigVia } from './stalling-proxy.ts';
import { kubeClient } from '../../operator/kube/client.ts';

/** One RBAC PolicyRule. */
export interface Rule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Creates `namespace`, the ServiceAccount `name` in it, and a Role there with `namespaceRules` bound to it. */
export async function serviceAccount(
  cp: ControlPlane,
  namespace: string,
  name: string,
  namespaceRules: readonly Rule[],
): Promise<KubeConfig> {
  await applyManifest(cp, [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules: namespaceRules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ]);
  const admin = kubeClient(cp.kubeConfig());
  const request = await admin.request<{ status: { token: string } }>(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } } },
  );
  return kubeConfigVia(cp.server, request.status.token);
}

/** Grants the ServiceAccount `namespace/name` the cluster-wide `rules` (a ClusterRole and its binding). */
export async function grantClusterRules(
  cp: ControlPlane,
  namespace: string,
  name: string,
  rules: readonly Rule[],
): Promise<void> {
  const role = `${namespace}-${name}`;
  await applyManifest(cp, [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: role }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: role },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ]);
}
