import type { ProviderConfig } from '../config/options.ts';
import type { Endpoint } from '../http/endpoint.ts';
import type { Keystore } from '../keys/keystore.ts';

/**
 * The discovery document: what is always true of the provider, plus what each mounted endpoint declares. Pure: the
 * same inputs give the same document.
 */
export function buildMetadata(
  config: ProviderConfig,
  keystore: Keystore,
  endpoints: readonly Endpoint[],
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    issuer: config.issuer,
    scopes_supported: config.scopes,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: keystore.algorithms,
    claims_parameter_supported: config.features.claimsParameter.enabled,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
  return endpoints.reduce((doc, endpoint) => ({ ...doc, ...endpoint.metadata?.(config, keystore) }), base);
}
