/**
 * The PodDisruptionBudget of the provider pods, in the `policy` version the API server serves (`policy/v1` from
 * Kubernetes 1.21, `policy/v1beta1` before). Pure.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { OIDCProvider } from '../../kube/crds.ts';
import { ownedMeta, ownedNames, selectorLabels } from './meta.ts';

/** The PDB, or undefined when `podDisruptionBudget.enabled` is false. One unavailable pod when nothing is set. */
export function renderPodDisruptionBudget(
  provider: OIDCProvider,
  apiVersion: 'policy/v1' | 'policy/v1beta1',
): V1PodDisruptionBudget | undefined {
  const pdb = provider.spec.podDisruptionBudget ?? {};
  if (pdb.enabled === false) return undefined;
  const budget =
    pdb.minAvailable !== undefined ? { minAvailable: pdb.minAvailable } : { maxUnavailable: pdb.maxUnavailable ?? 1 };
  return {
    apiVersion,
    kind: 'PodDisruptionBudget',
    metadata: ownedMeta(provider, ownedNames(provider).podDisruptionBudget),
    spec: { ...budget, selector: { matchLabels: selectorLabels(provider) } },
  };
}
