/**
 * Names, defaults and TypeScript shapes of kubeoidc's two custom resources, OIDCProvider and OIDCClient: the one
 * module the operator imports them from (the definitions live in the files re-exported below).
 *
 * The CustomResourceDefinitions in `crds/` are the single source of truth; this module mirrors them field for field
 * (`test/crds/types.test.ts` validates typed fixtures against the CRD schemas, so a field added on one side only
 * fails a test). Fields the schema marks `required` are required here; every other field is optional because a
 * client may omit it, even where the API server fills in a default (the defaults are listed in
 * {@link OIDC_PROVIDER_DEFAULTS} and {@link OIDC_CLIENT_DEFAULTS} for code that builds objects itself).
 *
 * The CRDs' CEL `x-kubernetes-validations` (immutability, cross-field rules) are not enforced by API servers older
 * than 1.25, such as the 1.20 test server: the operator checks them itself and reports violations in status.
 */

export * from './crd-names.ts';
export * from './crd-defaults.ts';
export type * from './crd-common.ts';
export type * from './oidc-provider-types.ts';
export type * from './oidc-client-types.ts';
