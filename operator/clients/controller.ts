/**
 * The OIDCClient controller's wiring: an OIDCClient change reconciles it; a change of one of its Secrets (found by the
 * managed-by label; the credentials Secret mapped back through its controller owner reference, the registration
 * Secret, which has none, through its `kubeoidc.dev/oidcclient` annotation) reconciles the client, so a deleted or
 * edited credentials Secret is rewritten; an OIDCProvider change
 * reconciles the clients that reference it, so a client applied before its provider registers as soon as the provider
 * is there, not at the next resync. A change of a client that opts in to being a metric label (or did) reconciles the
 * other opted-in clients of its provider too, since one client's place can free or take another's
 * (`metric-label.ts`).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf, type ControllerSpec } from '../controller/controller.ts';
import { API_VERSION, OIDC_CLIENT, OIDC_PROVIDER, type OIDCClient } from '../kube/crds.ts';
import { wantsMetricLabel } from '../providers/metric-labels.ts';
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
  // Provider key → keys of the clients last seen opting in to a metric label.
  const labelledOf = new Map<string, Set<string>>();
  const remember = (object: KubernetesObject): string[] => {
    const key = keyOf(object);
    const spec = (object as Partial<OIDCClient>).spec;
    if (spec === undefined) return [key];
    const providerKey = `${object.metadata?.namespace ?? ''}/${spec.providerRef.name}`;
    clientsOf.set(providerKey, (clientsOf.get(providerKey) ?? new Set()).add(key));
    const labelled = labelledOf.get(providerKey) ?? new Set<string>();
    labelledOf.set(providerKey, labelled);
    const concerned = wantsMetricLabel({ spec }) || labelled.has(key);
    if (wantsMetricLabel({ spec })) labelled.add(key);
    else labelled.delete(key);
    return concerned ? [key, ...[...labelled].filter((other) => other !== key)] : [key];
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
