/**
 * Deletes optional owned objects (PDB, HPA, Ingress, ServiceMonitor) the spec no longer asks for. Only objects this provider
 * controls (controller owner reference with its uid) are deleted; anything else of the same name is left alone.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { isNotFound, type KubeClient } from '../kube/client.ts';
import type { OIDCProvider } from '../kube/crds.ts';
import { getObject, resourcePath, type ObjectRef } from '../kube/resources.ts';
import type { ServerCapabilities } from './render/index.ts';
import { ownedNames } from './render/meta.ts';

/** Removes the optional objects of `provider` that are not among `desired`. */
export async function pruneOptional(
  client: KubeClient,
  provider: OIDCProvider,
  desired: readonly KubernetesObject[],
  capabilities: ServerCapabilities,
): Promise<void> {
  const names = ownedNames(provider);
  const namespace = provider.metadata.namespace;
  const optional: ObjectRef[] = [
    {
      apiVersion: capabilities.podDisruptionBudgetVersion,
      kind: 'PodDisruptionBudget',
      namespace,
      name: names.podDisruptionBudget,
    },
    {
      apiVersion: capabilities.horizontalPodAutoscalerVersion,
      kind: 'HorizontalPodAutoscaler',
      namespace,
      name: names.horizontalPodAutoscaler,
    },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace, name: names.ingress },
    ...(capabilities.serviceMonitor
      ? [{ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', namespace, name: names.serviceMonitor }]
      : []),
  ];
  for (const ref of optional) {
    if (desired.some((object) => object.kind === ref.kind)) continue;
    const live = await getObject(client, ref);
    const owned = live?.metadata?.ownerReferences?.some(
      (owner) => owner.controller === true && owner.uid === provider.metadata.uid,
    );
    if (owned !== true) continue;
    try {
      await client.request('DELETE', resourcePath(ref));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
