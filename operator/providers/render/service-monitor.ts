/** The optional Prometheus Operator ServiceMonitor (rendered only when its CRD exists on the server). Pure. */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { OIDCProvider } from '../../kube/crds.ts';
import { ownedMeta, ownedNames, selectorLabels } from './meta.ts';

/** The ServiceMonitor, or undefined unless `serviceMonitor.enabled`. */
export function renderServiceMonitor(provider: OIDCProvider): (KubernetesObject & { spec: unknown }) | undefined {
  const monitor = provider.spec.serviceMonitor;
  if (monitor?.enabled !== true) return undefined;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: ownedMeta(provider, ownedNames(provider).serviceMonitor, { labels: monitor.labels ?? {} }),
    spec: {
      selector: { matchLabels: selectorLabels(provider) },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: monitor.interval ?? '30s' }],
    },
  };
}
