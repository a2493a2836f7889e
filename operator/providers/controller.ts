/**
 * The OIDCProvider controller's wiring: which changes lead to which reconcile. An OIDCProvider change reconciles it;
 * a change of an object it owns (found by the managed-by label, mapped back through the controller owner reference)
 * reconciles the owner, which is how hand edits get reverted and Deployment status reaches the provider's status.
 * Secrets are watched without a label selector: besides the owned ones (mapped by owner reference), a Secret the spec
 * references (Redis URL or password, accounts) maps to the providers that reference it through the
 * {@link SecretReferenceIndex} the reconciler keeps, so rotating it rolls their pods. An OIDCClient that opts in to
 * being a metric label (or did, and no longer does or is gone) reconciles its provider, which renders the label
 * allowlist (`metric-labels.ts`); other clients' changes do not concern the provider.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf, type ControllerSpec, type WatchSpec } from '../controller/controller.ts';
import { API_VERSION, OIDC_CLIENT, OIDC_PROVIDER, type OIDCClient } from '../kube/crds.ts';
import { wantsMetricLabel } from './metric-labels.ts';
import type { ServerCapabilities } from './render/index.ts';
import { MANAGED_BY } from './render/meta.ts';
import { reconcileProvider, type ProviderReconcilerDeps } from './reconciler.ts';
import { SecretReferenceIndex } from './secret-references.ts';

function ownerKeys(object: KubernetesObject): string[] {
  return (object.metadata?.ownerReferences ?? [])
    .filter(
      (owner) => owner.controller === true && owner.kind === OIDC_PROVIDER.kind && owner.apiVersion === API_VERSION,
    )
    .map((owner) => `${object.metadata?.namespace ?? ''}/${owner.name}`);
}

/** The controller definition; `namespace` limits it to one namespace (undefined: all). */
export function providerControllerSpec(
  deps: ProviderReconcilerDeps,
  capabilities: ServerCapabilities,
  namespace: string | undefined,
): ControllerSpec {
  const secretReferences = deps.secretReferences ?? new SecretReferenceIndex();
  const reconcileDeps = { ...deps, secretReferences };
  // Keys of the clients last seen opting in: their opting out or deletion changes the allowlist too. A deleted
  // client's key stays (one entry per name ever seen, as the client controller's map).
  const labelled = new Set<string>();
  const providerOfLabelled = (object: KubernetesObject): string[] => {
    const client = object as OIDCClient;
    const key = keyOf(object);
    const opted = wantsMetricLabel(client);
    const concerned = opted || labelled.has(key);
    if (opted) labelled.add(key);
    else labelled.delete(key);
    return concerned ? [`${object.metadata?.namespace ?? ''}/${client.spec.providerRef.name}`] : [];
  };
  const owned = (apiVersion: string, kind: string): WatchSpec => ({
    ref: { apiVersion, kind, namespace },
    labelSelector: `app.kubernetes.io/managed-by=${MANAGED_BY}`,
    keysOf: ownerKeys,
  });
  return {
    kind: OIDC_PROVIDER.kind,
    watches: [
      { ref: { apiVersion: API_VERSION, kind: OIDC_PROVIDER.kind, namespace }, keysOf: (object) => [keyOf(object)] },
      { ref: { apiVersion: API_VERSION, kind: OIDC_CLIENT.kind, namespace }, keysOf: providerOfLabelled },
      owned('v1', 'ConfigMap'),
      {
        ref: { apiVersion: 'v1', kind: 'Secret', namespace },
        keysOf: (object) => [...new Set([...ownerKeys(object), ...secretReferences.providersOf(keyOf(object))])],
      },
      owned('v1', 'Service'),
      owned('apps/v1', 'Deployment'),
      owned(capabilities.podDisruptionBudgetVersion, 'PodDisruptionBudget'),
    ],
    reconcile: (ns, name) => reconcileProvider(reconcileDeps, ns, name),
  };
}
