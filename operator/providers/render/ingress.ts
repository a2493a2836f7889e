/**
 * The optional Ingress for the issuer's host (`networking.k8s.io/v1`, served from Kubernetes 1.19): every path of
 * the host to the Service's `http` port, with TLS when a certificate Secret is named. Pure.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1Ingress } from '@kubernetes/client-node';
import type { OIDCProvider } from '../../kube/crds.ts';
import { ownedMeta, ownedNames } from './meta.ts';

/** The Ingress, or undefined unless `ingress.enabled` with a host. */
export function renderIngress(provider: OIDCProvider): V1Ingress | undefined {
  const ingress = provider.spec.ingress;
  if (ingress?.enabled !== true || ingress.host === undefined) return undefined;
  const names = ownedNames(provider);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: ownedMeta(provider, names.ingress, { annotations: ingress.annotations ?? {} }),
    spec: {
      ...(ingress.className === undefined ? {} : { ingressClassName: ingress.className }),
      ...(ingress.tls === undefined ? {} : { tls: [{ hosts: [ingress.host], secretName: ingress.tls.secretName }] }),
      rules: [
        {
          host: ingress.host,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: names.service, port: { name: 'http' } } } },
            ],
          },
        },
      ],
    },
  };
}
