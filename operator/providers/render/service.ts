/** The Service in front of the provider pods: the protocol port, and the metrics port for scraping. Pure. */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1Service } from '@kubernetes/client-node';
import { OIDC_PROVIDER_DEFAULTS, type OIDCProvider } from '../../kube/crds.ts';
import { ownedMeta, ownedNames, selectorLabels } from './meta.ts';

/** The Service named after the provider. */
export function renderService(provider: OIDCProvider): V1Service {
  const service = provider.spec.service ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(provider, ownedNames(provider).service, { annotations: service.annotations ?? {} }),
    spec: {
      type: service.type ?? OIDC_PROVIDER_DEFAULTS.serviceType,
      selector: selectorLabels(provider),
      ports: [
        { name: 'http', port: service.port ?? OIDC_PROVIDER_DEFAULTS.servicePort, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' },
      ],
    },
  };
}
