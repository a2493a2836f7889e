/**
 * The OIDCClient controller's wiring: an OIDCClient change reconciles it; a change of one of its Secrets (found by the
 * managed-by label; the credentials Secret mapped back through its controller owner reference, the registration
 * Secret, which has none, through its `kubeoidc.dev/oidcclient` annotation) reconciles the client, so a deleted or
 * edited credentials Secret is rewritten; an OIDCProvider change
 * reconciles the clients that reference it, so a client applied before its provider registers as soon as the provider
 * is there, not at the next resync.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf, type ControllerSpec } from '../controller/controller.ts';
import { API_VERSION, OIDC_CLIENT, OIDC_PROVIDER, type OIDCClient } from '../kube/crds.ts';
import { MANAGED_BY } from '../providers/render/meta.ts';
import type { ClientReconcilerDeps } from './deps.ts';
import { reconcileClient } from './reconciler.ts';
import { ANNOTATIONS } from './recorded.ts';
import { UnrecordedRegistrations } from './unrecorded.ts';

function ownerKeys(object: KubernetesObject): string[] {
  const namespace = object.metadata?.namespace ?? '';
  const recordOf = object.metadata?.annotations?.[ANNOTATIONS.client];
  if (recordOf !== undefined) return [`${namespace}/${recordOf}`];
  return (object.metadata?.ownerReferences ?? [])
    .filter((owner) => owner.controller === true && owner.kind === OIDC_CLIENT.kind && owner.apiVersion === API_VERSION)
    .map((owner) => `${namespace}/${owner.name}`);
}

/** The controller definition; `namespace` limits it to one namespace (undefined: all). */
export function clientControllerSpec(deps: ClientReconcilerDeps, namespace: string | undefined): ControllerSpec {
  // Provider key → keys of the clients seen referencing it. Entries of deleted clients stay (a reconcile of a
  // missing client is a no-op); the map holds one entry per client name ever seen.
  const clientsOf = new Map<string, Set<string>>();
  // Registration answers not recorded yet live as long as the controller (unrecorded.ts).
  const withMemory: ClientReconcilerDeps = { ...deps, unrecorded: deps.unrecorded ?? new UnrecordedRegistrations() };
  const remember = (object: KubernetesObject): string[] => {
    const key = keyOf(object);
    const provider = (object as Partial<OIDCClient>).spec?.providerRef.name;
    if (provider !== undefined) {
      const providerKey = `${object.metadata?.namespace ?? ''}/${provider}`;
      clientsOf.set(providerKey, (clientsOf.get(providerKey) ?? new Set()).add(key));
    }
    return [key];
  };
  return {
    kind: OIDC_CLIENT.kind,
    watches: [
      { ref: { apiVersion: API_VERSION, kind: OIDC_CLIENT.kind, namespace }, keysOf: remember },
      {
        ref: { apiVersion: API_VERSION, kind: OIDC_PROVIDER.kind, namespace },
        keysOf: (object) => [...(clientsOf.get(keyOf(object)) ?? [])],
      },
      {
        ref: { apiVersion: 'v1', kind: 'Secret', namespace },
        labelSelector: `app.kubernetes.io/managed-by=${MANAGED_BY}`,
        keysOf: ownerKeys,
      },
    ],
    reconcile: (ns, name) => reconcileClient(withMemory, ns, name),
  };
}
