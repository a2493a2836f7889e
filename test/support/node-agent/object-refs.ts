/**
 * Reads of the ConfigMaps, Secrets and pod fields that env vars and volumes refer to, with the kubelet's rules for a
 * missing object or key (an error unless the reference is optional).
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1ConfigMap, V1Pod, V1Secret } from '@kubernetes/client-node';
import { callApi, isNotFound, type ApiEndpoint } from './kube-api.ts';

/** The key → bytes of a ConfigMap (data and binaryData) or a Secret (decoded), or undefined when optional and absent. */
export async function readKeys(
  api: ApiEndpoint,
  kind: 'configmaps' | 'secrets',
  namespace: string,
  name: string,
  optional: boolean,
): Promise<Map<string, Buffer> | undefined> {
  let object: V1ConfigMap | V1Secret;
  try {
    object = await callApi<V1ConfigMap | V1Secret>(api, 'GET', `/api/v1/namespaces/${namespace}/${kind}/${name}`);
  } catch (error) {
    if (isNotFound(error) && optional) return undefined;
    if (isNotFound(error)) throw new Error(`${kind === 'secrets' ? 'secret' : 'configmap'} "${name}" not found`);
    throw error;
  }
  const keys = new Map<string, Buffer>();
  if (kind === 'secrets') {
    for (const [key, value] of Object.entries((object as V1Secret).data ?? {}))
      keys.set(key, Buffer.from(value, 'base64'));
  } else {
    const map = object as V1ConfigMap;
    for (const [key, value] of Object.entries(map.data ?? {})) keys.set(key, Buffer.from(value, 'utf8'));
    for (const [key, value] of Object.entries(map.binaryData ?? {})) keys.set(key, Buffer.from(value, 'base64'));
  }
  return keys;
}

/** One key of a ConfigMap or Secret; undefined when the reference is optional and the object or key is absent. */
export async function readKey(
  api: ApiEndpoint,
  kind: 'configmaps' | 'secrets',
  namespace: string,
  ref: { name?: string; key: string; optional?: boolean },
): Promise<string | undefined> {
  const optional = ref.optional ?? false;
  const keys = await readKeys(api, kind, namespace, ref.name ?? '', optional);
  const value = keys?.get(ref.key);
  if (value === undefined && keys !== undefined && !optional) {
    throw new Error(
      `couldn't find key ${ref.key} in ${kind === 'secrets' ? 'Secret' : 'ConfigMap'} ${namespace}/${ref.name ?? ''}`,
    );
  }
  return value?.toString('utf8');
}

/** A pod field as the downward API gives it (`metadata.name`, `metadata.labels['k']`, `status.podIP`, …). */
export function podField(pod: V1Pod, fieldPath: string, podIP: string, hostIP: string): string {
  const indexed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (indexed !== null) {
    const map = indexed[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[indexed[2]] ?? '';
  }
  const map = (entries: Record<string, string> | undefined): string =>
    Object.entries(entries ?? {})
      .map(([key, value]) => `${key}="${value}"`)
      .join('\n');
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'metadata.labels':
      return map(pod.metadata?.labels);
    case 'metadata.annotations':
      return map(pod.metadata?.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return podIP;
    default:
      throw new Error(`fieldRef ${fieldPath} is not supported by the node agent`);
  }
}
