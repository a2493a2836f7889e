/** API group, version and names of kubeoidc's custom resources, as declared in `crds/`. */

/** API group of every kubeoidc custom resource. */
export const GROUP = 'kubeoidc.dev';
/** The only served (and storage) version. */
export const VERSION = 'v1alpha1';
/** `apiVersion` value of kubeoidc objects. */
export const API_VERSION = `${GROUP}/${VERSION}`;
/** Category both kinds belong to: `kubectl get kubeoidc` lists every provider and client. */
export const CATEGORY = 'kubeoidc';

/** Naming of the OIDCProvider kind, as declared in `crds/oidcproviders.kubeoidc.dev.yaml`. */
export const OIDC_PROVIDER = {
  kind: 'OIDCProvider',
  listKind: 'OIDCProviderList',
  plural: 'oidcproviders',
  singular: 'oidcprovider',
  shortName: 'oidcp',
  crdName: `oidcproviders.${GROUP}`,
} as const;

/** Naming of the OIDCClient kind, as declared in `crds/oidcclients.kubeoidc.dev.yaml`. */
export const OIDC_CLIENT = {
  kind: 'OIDCClient',
  listKind: 'OIDCClientList',
  plural: 'oidcclients',
  singular: 'oidcclient',
  shortName: 'oidcc',
  crdName: `oidcclients.${GROUP}`,
} as const;

/** Finalizer the operator puts on OIDCClients so it can unregister them (unless `deletionPolicy: Orphan`). */
export const REGISTRATION_FINALIZER = `${GROUP}/registration`;
