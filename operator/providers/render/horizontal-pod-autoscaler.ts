/**
 * The optional HorizontalPodAutoscaler. It scales the OIDCProvider itself through its scale subresource (so the
 * operator stays the only writer of the Deployment's replicas), in the `autoscaling` version the server serves
 * (`v2` from Kubernetes 1.23, `v2beta2` before; both have the same shape for what is rendered here). Pure.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { API_VERSION, OIDC_PROVIDER, type OIDCProvider } from '../../kube/crds.ts';
import { ownedMeta, ownedNames } from './meta.ts';

/** The HPA, or undefined unless `autoscaling.enabled`. */
export function renderHorizontalPodAutoscaler(
  provider: OIDCProvider,
  apiVersion: 'autoscaling/v2' | 'autoscaling/v2beta2',
): V2HorizontalPodAutoscaler | undefined {
  const autoscaling = provider.spec.autoscaling;
  if (autoscaling?.enabled !== true) return undefined;
  return {
    apiVersion,
    kind: 'HorizontalPodAutoscaler',
    metadata: ownedMeta(provider, ownedNames(provider).horizontalPodAutoscaler),
    spec: {
      scaleTargetRef: { apiVersion: API_VERSION, kind: OIDC_PROVIDER.kind, name: provider.metadata.name ?? '' },
      minReplicas: autoscaling.minReplicas ?? 2,
      maxReplicas: autoscaling.maxReplicas ?? 10,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage ?? 80 },
          },
        },
      ],
    },
  };
}
