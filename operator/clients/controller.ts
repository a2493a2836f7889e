/**
 * The OIDCClient controller's wiring: an OIDCClient change reconciles it; a change of a Secret it owns (the
 * credentials or the registration Secret, found by the managed-by label and mapped back through the controller owner
 * reference) reconciles the owner, so a deleted or edited credentials Secret is rewritten; an OIDCProvider change
 * reconciles the clients that reference it, so a client applied before its provider registers as soon as the provider
 * is there, not at the next resync.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf, type ControllerSpec } from '../controller/controller.ts';
import { API_VERSION, OIDC_CLIENT, OIDC_PROVIDER, type OIDCClient } from '../kube/crds.ts';
import { MANAGED_BY } from '../providers/render/meta.ts';
import { reconcileClient, type ClientReconcilerDeps } from './reconciler.ts';

function ownerKeys(object: KubernetesObject): string[] {
  return (object.metadata?.ownerReferences ?? [])
    .filter((owner) => owner.controller === true && owner.kind === OIDC_CLIENT.kind && owner.apiVersion === API_VERSION)
    .map((owner) => `${object.metadata?.namespace ?? ''}/${owner.name}`);
}

/** The controller definition; `namespace` limits it to one namespace (undefined: all). */
export function clientControllerSpec(deps: ClientReconcilerDeps, namespace: string | undefined): ControllerSpec {
  // Provider key → keys of the clients seen referencing it. Entries of deleted clients stay (a reconcile of a
  // missing client is a no-op); the map holds one entry per client name ever seen.
  const clientsOf = new Map<string, Set<string>>();
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
    reconcile: (ns, name) => reconcileClient(deps, ns, name),
  };
}
