/**
 * Fixture builders for operator tests, after cert-manager's `gen.Certificate(name, mods…)`: a valid OIDCProvider
 * with every optional field left out, changed by small named modifiers.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import { API_VERSION, OIDC_PROVIDER, type OIDCProvider, type OIDCProviderSpec } from '../../operator/kube/crds.ts';

/** Changes a provider under construction. */
export type ProviderMod = (provider: OIDCProvider) => void;

/** A valid OIDCProvider `name` in `default` (uid and generation set as the server would), then `mods`. */
export function oidcProvider(name: string, ...mods: ProviderMod[]): OIDCProvider {
  const provider: OIDCProvider = {
    apiVersion: API_VERSION,
    kind: OIDC_PROVIDER.kind,
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
    spec: { issuer: `https://${name}.example.com`, redis: { url: 'redis://redis:6379' } },
  };
  for (const mod of mods) mod(provider);
  return provider;
}

/** Merges `spec` fields into the spec. */
export const withSpec =
  (spec: Partial<OIDCProviderSpec>): ProviderMod =>
  (provider) => {
    provider.spec = { ...provider.spec, ...spec };
  };

/** Sets the namespace. */
export const inNamespace =
  (namespace: string): ProviderMod =>
  (provider) => {
    provider.metadata.namespace = namespace;
  };

/** Without server-set fields (uid, generation): what a user applies. */
export const asApplied: ProviderMod = (provider) => {
  provider.metadata = { name: provider.metadata.name, namespace: provider.metadata.namespace };
};
