/**
 * Names, labels and owner references shared by every object rendered for an OIDCProvider. Pure.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, OIDC_PROVIDER, type OIDCProvider } from '../../kube/crds.ts';

/** Field manager of every write the operator makes (server-side apply). */
export const FIELD_MANAGER = 'kubeoidc-operator';
/** `app.kubernetes.io/managed-by` value on owned objects; the informers select owned objects by it. */
export const MANAGED_BY = 'kubeoidc-operator';
/** Pod-template annotation holding the configuration checksum, so a configuration change rolls the pods. */
export const CONFIG_CHECKSUM_ANNOTATION = 'kubeoidc.dev/config-checksum';
/**
 * Pod-template annotation holding a keyed digest of the Secrets the spec references (Redis URL or password, accounts),
 * so rotating one of them rolls the pods. Absent when the spec references none.
 */
export const SECRETS_CHECKSUM_ANNOTATION = 'kubeoidc.dev/secrets-checksum';

/** Names of the objects an OIDCProvider owns. */
export interface OwnedNames {
  readonly configMap: string;
  readonly secret: string;
  readonly deployment: string;
  readonly service: string;
  readonly podDisruptionBudget: string;
  readonly horizontalPodAutoscaler: string;
  readonly serviceMonitor: string;
  readonly ingress: string;
  /** Secret with the initial access token the operator registers OIDCClients with. */
  readonly registration: string;
}

/**
 * Names of the owned objects: the provider's name, `-config` and `-keys` suffixes for the ConfigMap and key Secret,
 * `-registration` for the initial-access-token Secret.
 */
export function ownedNames(provider: OIDCProvider): OwnedNames {
  const name = provider.metadata.name ?? '';
  return {
    configMap: `${name}-config`,
    secret: `${name}-keys`,
    deployment: name,
    service: name,
    podDisruptionBudget: name,
    horizontalPodAutoscaler: name,
    serviceMonitor: name,
    ingress: name,
    registration: `${name}-registration`,
  };
}

/** Labels that select the provider's pods; never change them on a live Deployment (the selector is immutable). */
export function selectorLabels(provider: OIDCProvider): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'kubeoidc',
    'app.kubernetes.io/instance': provider.metadata.name ?? '',
    'app.kubernetes.io/component': 'provider',
  };
}

/** Labels on every owned object. */
export function commonLabels(provider: OIDCProvider): Record<string, string> {
  return {
    ...selectorLabels(provider),
    'app.kubernetes.io/part-of': 'kubeoidc',
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** The `status.selector` string (scale subresource, HPA). */
export function selectorString(provider: OIDCProvider): string {
  return Object.entries(selectorLabels(provider))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Controller owner reference to the OIDCProvider: deletion cascades, and only one controller owns the object. */
export function ownerReference(provider: OIDCProvider): V1OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: OIDC_PROVIDER.kind,
    name: provider.metadata.name ?? '',
    uid: provider.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Metadata of an owned object called `name`. */
export function ownedMeta(
  provider: OIDCProvider,
  name: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): V1ObjectMeta {
  return {
    name,
    namespace: provider.metadata.namespace ?? 'default',
    labels: { ...commonLabels(provider), ...extra.labels },
    ...(extra.annotations === undefined || Object.keys(extra.annotations).length === 0
      ? {}
      : { annotations: extra.annotations }),
    ownerReferences: [ownerReference(provider)],
  };
}
