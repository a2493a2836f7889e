/**
 * The operator's least-privilege RBAC rules, as data: the Helm chart renders the reconcilers' rules into a ClusterRole
 * when the operator watches every namespace, or into a Role in the one namespace it watches (`WATCH_NAMESPACE`), and
 * the leader Lease's rules into a Role in the operator's own namespace. Each rule says which code needs it;
 * `docs/operator.md` explains them. Server-side apply needs `patch` and, for objects that do not exist yet, `create`;
 * informers need `list` and `watch`. Every resource here is namespaced, so the same rules work in a Role.
 */

/** One `rbac.authorization.k8s.io/v1` PolicyRule. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Rules of the reconcilers: the operator's ClusterRole, or its Role in the watched namespace. */
export const clusterRoleRules: readonly PolicyRule[] = [
  // The OIDCProvider informer and reconciler read providers (the OIDCClient reconciler too); status is written
  // by server-side apply of the status subresource (a PATCH): no get or update there.
  { apiGroups: ['kubeoidc.dev'], resources: ['oidcproviders'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['kubeoidc.dev'], resources: ['oidcproviders/status'], verbs: ['patch'] },
  // blockOwnerDeletion on owner references needs update on the owner's finalizers where the
  // OwnerReferencesPermissionEnforcement admission plugin is on.
  { apiGroups: ['kubeoidc.dev'], resources: ['oidcproviders/finalizers'], verbs: ['update'] },
  // The OIDCClient informer and reconciler: read clients, add/remove the kubeoidc.dev/registration finalizer
  // (a merge patch of metadata.finalizers), write status. The OIDCProvider reconciler lists and watches clients too
  // (the metric label allowlist).
  { apiGroups: ['kubeoidc.dev'], resources: ['oidcclients'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['kubeoidc.dev'], resources: ['oidcclients/status'], verbs: ['patch'] },
  { apiGroups: ['kubeoidc.dev'], resources: ['oidcclients/finalizers'], verbs: ['update'] },
  // Owned objects: watched (drift), read (gather, ownership check), applied (server-side apply creates or patches).
  // Secrets are watched without a label selector: the Secrets a provider references (Redis, accounts) roll its pods.
  {
    apiGroups: [''],
    resources: ['configmaps', 'secrets', 'services'],
    verbs: ['get', 'list', 'watch', 'create', 'patch'],
  },
  // The OIDCClient finalizer deletes the client's registration Secret itself (it has no owner reference, so that the
  // garbage collector cannot take the registration access token away before the finalizer unregisters).
  { apiGroups: [''], resources: ['secrets'], verbs: ['delete'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'create', 'patch'] },
  // Optional owned objects are also deleted when the spec turns them off.
  {
    apiGroups: ['policy'],
    resources: ['poddisruptionbudgets'],
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
  },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'create', 'patch', 'delete'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'create', 'patch', 'delete'] },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: ['get', 'create', 'patch', 'delete'] },
  // Events about what the operator does and bridged provider events (events.k8s.io/v1); the bridge reads an Event
  // before counting an entry into it (stream-event-writer.ts).
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['get', 'create', 'patch'] },
];

/** Rules of the Role in the operator's namespace: the leader-election Lease. */
export const leaderElectionRoleRules: readonly PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];
