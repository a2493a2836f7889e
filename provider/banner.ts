/**
 * What `npm start` / `kubeoidc provider` prints once listening: where to go, the storage actually in use (never a
 * password), the features that are on, and — for the embedded development default — the demo account, clients and
 * tokens, loudly marked as not for production. Built from the configuration, so it cannot claim what is not so.
 */
import { DEMO_ACCOUNT_PASSWORD, DEMO_INITIAL_ACCESS_TOKEN } from './config/dev-defaults.ts';
import type { FeatureOptions, ProviderConfig, StaticClient, StorageOptions } from './config/options.ts';
import { endpointUrl, paths } from './http/paths.ts';

/** How each feature is named in the banner (and in README's quick-start table). */
const featureLabels: Record<keyof FeatureOptions, (features: FeatureOptions) => string> = {
  deviceFlow: () => `device flow ${paths.deviceAuthorization} + ${paths.deviceVerification}`,
  pushedAuthorizationRequests: (f) =>
    `pushed authorization requests ${paths.pushedAuthorization}${f.pushedAuthorizationRequests.required ? ' (required)' : ''}`,
  backchannelLogout: () => 'back-channel logout',
  resourceIndicators: () => 'resource indicators',
  jwtAccessTokens: () => 'JWT access tokens',
  registration: () => `registration ${paths.registration}`,
  introspection: () => `introspection ${paths.introspection}`,
  revocation: () => `revocation ${paths.revocation}`,
  rpInitiatedLogout: () => `RP-initiated logout ${paths.endSession}`,
  claimsParameter: () => 'claims parameter',
};

/** The labels of the features that are on, in the order above. */
export function enabledFeatures(features: FeatureOptions): string[] {
  return (Object.keys(featureLabels) as (keyof FeatureOptions)[])
    .filter((name) => features[name].enabled)
    .map((name) => featureLabels[name](features));
}

/** The storage in use, without credentials. */
export function storageDescription(storage: StorageOptions): string {
  if (storage.type === 'memory') return 'in memory (one process; everything is lost on restart)';
  const prefix = `key prefix ${storage.keyPrefix}`;
  if (storage.cluster) return `Redis Cluster ${storage.cluster.nodes.join(', ')} (${prefix})`;
  if (storage.sentinel) {
    return `Redis via Sentinel ${storage.sentinel.sentinels.join(', ')}, master ${storage.sentinel.masterName} (${prefix})`;
  }
  if (storage.url === undefined) return `Redis (${prefix})`;
  const url = new URL(storage.url);
  return `Redis ${url.protocol}//${url.host}${url.pathname.length > 1 ? url.pathname : ''} (${prefix})`;
}

function clientLine(client: StaticClient): string {
  const method = client.token_endpoint_auth_method ?? 'client_secret_basic';
  const parts = [
    method === 'none' ? 'public, PKCE' : `secret "${client.client_secret ?? ''}", ${method}`,
    `grants ${(client.grant_types ?? ['authorization_code']).join(', ')}`,
  ];
  if (client.access_token_format === 'jwt') parts.push('JWT access tokens');
  return `    "${client.client_id}" (${parts.join('; ')})`;
}

/** Lines printed at start. */
export function startupBanner(config: ProviderConfig): string[] {
  const features = enabledFeatures(config.features);
  const lines = [
    `kubeoidc provider listening on ${config.host}:${String(config.port)}`,
    `issuer:    ${config.issuer}`,
    `discovery: ${endpointUrl(config.issuer, paths.discovery)}`,
    `storage:   ${storageDescription(config.storage)}`,
    `features:  ${features.length > 0 ? features.join(', ') : 'none beyond the core endpoints'}`,
  ];
  if (config.development) {
    const first = config.clients.at(0);
    lines.push(
      `DEVELOPMENT DEFAULTS (no KUBEOIDC_CONFIG), not for production: generated keys in ${config.devKeysDir}/,`,
      `  account "${config.accounts.records.at(0)?.username ?? ''}" / password "${DEMO_ACCOUNT_PASSWORD}"; ` +
        `initial access token "${DEMO_INITIAL_ACCESS_TOKEN}"; clients:`,
      ...config.clients.map(clientLine),
      `  redirect URIs ${(first?.redirect_uris ?? []).join(', ')}`,
      `  post-logout redirect URIs ${(first?.post_logout_redirect_uris ?? []).join(', ')}`,
    );
  }
  return lines;
}
