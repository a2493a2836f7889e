/**
 * REST paths of the kinds the operator reads and writes, and the few verbs on them it uses (get, list, server-side
 * apply, status apply). Every kind is listed here once, so a path typo cannot hide in a reconciler.
 */
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { APPLY_PATCH, isNotFound, type KubeClient } from './client.ts';

/** A kind the operator knows: its apiVersion and plural resource name. */
export interface KindInfo {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

const kinds: readonly KindInfo[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { apiVersion: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true },
  { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
  },
  {
    apiVersion: 'autoscaling/v2beta2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
  },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses', namespaced: true },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', plural: 'servicemonitors', namespaced: true },
  { apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCProvider', plural: 'oidcproviders', namespaced: true },
  { apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCClient', plural: 'oidcclients', namespaced: true },
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases', namespaced: true },
  { apiVersion: 'events.k8s.io/v1', kind: 'Event', plural: 'events', namespaced: true },
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
  },
];

/** The {@link KindInfo} of `apiVersion`/`kind`; throws for a kind the operator does not know. */
export function kindInfo(apiVersion: string, kind: string): KindInfo {
  const info = kinds.find((k) => k.apiVersion === apiVersion && k.kind === kind);
  if (info === undefined) throw new Error(`unknown kind ${apiVersion} ${kind}`);
  return info;
}

/** What identifies one object (or, without `name`, a collection). */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
}

/** `/api/v1/namespaces/ns/configmaps/name[/sub]` and the like; without a namespace, across all namespaces. */
export function resourcePath(ref: ObjectRef, subresource?: string): string {
  const info = kindInfo(ref.apiVersion, ref.kind);
  const prefix = info.apiVersion.includes('/') ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  const ns = info.namespaced && ref.namespace !== undefined ? `/namespaces/${ref.namespace}` : '';
  const name = ref.name === undefined ? '' : `/${ref.name}`;
  return `${prefix}${ns}/${info.plural}${name}${subresource === undefined ? '' : `/${subresource}`}`;
}

/** The path of an object's own collection and name. */
export function objectRef(object: KubernetesObject): ObjectRef {
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    namespace: object.metadata?.namespace,
    name: object.metadata?.name,
  };
}

/** Reads one object; `undefined` when it does not exist. */
export async function getObject<T extends KubernetesObject>(
  client: KubeClient,
  ref: ObjectRef,
): Promise<T | undefined> {
  try {
    return await client.request<T>('GET', resourcePath(ref));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Lists a collection (optionally by label selector). */
export function listObjects<T extends KubernetesObject>(
  client: KubeClient,
  ref: ObjectRef,
  labelSelector?: string,
): Promise<KubernetesListObject<T>> {
  return client.request<KubernetesListObject<T>>('GET', resourcePath(ref), { query: { labelSelector } });
}

/**
 * Server-side apply (`application/apply-patch+yaml`, JSON being YAML) of a complete desired object as `fieldManager`
 * with `force`: fields another manager took are taken back, so hand edits of owned fields are reverted.
 */
export function applyObject<T extends KubernetesObject>(
  client: KubeClient,
  object: KubernetesObject,
  fieldManager: string,
  subresource?: string,
): Promise<T> {
  return client.request<T>('PATCH', resourcePath(objectRef(object), subresource), {
    body: object,
    contentType: APPLY_PATCH,
    query: { fieldManager, force: 'true' },
  });
}
