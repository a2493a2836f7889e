/**
 * Which API versions the server serves, for the renderers (`ServerCapabilities`): policy/v1 or v1beta1 PDBs,
 * autoscaling/v2 or v2beta2 HPAs, and whether the ServiceMonitor CRD exists. Looked up by discovery and cached for a
 * minute, so a ServiceMonitor CRD installed later is picked up without a restart.
 */
import type { KubeClient } from '../kube/client.ts';
import type { Clock } from '../time.ts';
import type { ServerCapabilities } from './render/index.ts';

interface ApiGroupList {
  groups: { name: string; versions: { version: string }[] }[];
}

/** Discovers the capabilities once (no cache). */
export async function discoverCapabilities(client: KubeClient): Promise<ServerCapabilities> {
  const { groups } = await client.request<ApiGroupList>('GET', '/apis');
  const serves = (group: string, version: string): boolean =>
    groups.some((g) => g.name === group && g.versions.some((v) => v.version === version));
  return {
    podDisruptionBudgetVersion: serves('policy', 'v1') ? 'policy/v1' : 'policy/v1beta1',
    horizontalPodAutoscalerVersion: serves('autoscaling', 'v2') ? 'autoscaling/v2' : 'autoscaling/v2beta2',
    serviceMonitor: serves('monitoring.coreos.com', 'v1'),
  };
}

/** A cached {@link discoverCapabilities}. */
export function cachedCapabilities(
  client: KubeClient,
  clock: Clock,
  ttlMs = 60_000,
): () => Promise<ServerCapabilities> {
  let cached: { value: ServerCapabilities; at: number } | undefined;
  return async () => {
    if (cached === undefined || clock.now() - cached.at > ttlMs) {
      cached = { value: await discoverCapabilities(client), at: clock.now() };
    }
    return cached.value;
  };
}
