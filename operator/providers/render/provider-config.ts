/**
 * The provider's configuration (`ProviderConfig`, provider/config/options.ts) for an OIDCProvider, validated with the
 * provider's own `validateConfig`: the operator never renders a configuration the provider would refuse at start.
 * Pure; throws the provider's `ConfigError` (naming the option) when the spec leads to a configuration it refuses.
 */
import {
  defaults,
  type FeatureOptions,
  type ProviderConfig,
  type StorageOptions,
} from '../../../provider/config/options.ts';
import { validateConfig } from '../../../provider/config/validate.ts';
import { OIDC_PROVIDER_DEFAULTS, type FeaturesSpec, type OIDCProvider } from '../../kube/crds.ts';
import { hashConcurrencyFor } from './hash-concurrency.ts';

/** Where the pod mounts what the operator renders. */
export const MOUNTS = {
  configDir: '/etc/kubeoidc/config',
  configFile: 'config.yaml',
  keysDir: '/etc/kubeoidc/keys',
  keysFile: 'keys.json',
  accountsDir: '/etc/kubeoidc/accounts',
  tmpDir: '/tmp',
} as const;

/** Ports of the provider container. */
export const PORTS = { http: 3000, metrics: 9464 } as const;

/** Environment variable the provider reads a Redis URL from (`provider/config/env.ts`), used for `redis.secretRef`. */
export const REDIS_URL_ENV = 'KUBEOIDC_REDIS_URL';

/** Stand-in URL used only to validate a configuration whose Redis URL comes from a Secret at run time. */
const SECRET_URL_PLACEHOLDER = 'redis://redis-url-from-secret.invalid:6379';

function storageOf(provider: OIDCProvider): StorageOptions {
  const { redis } = provider.spec;
  const keyPrefix = redis.keyPrefix ?? OIDC_PROVIDER_DEFAULTS.redisKeyPrefix;
  const common = {
    type: 'redis' as const,
    keyPrefix,
    ...(redis.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: redis.commandTimeoutMs }),
  };
  if (redis.url !== undefined) return { ...common, url: redis.url };
  if (redis.sentinel !== undefined) return { ...common, sentinel: redis.sentinel };
  if (redis.cluster !== undefined) return { ...common, cluster: redis.cluster };
  // secretRef: the URL arrives through the environment (it may carry a password, so it is never in the ConfigMap).
  return common;
}

function featuresOf(spec: FeaturesSpec | undefined, initialAccessTokenHash: string | undefined): FeatureOptions {
  const base = defaults.features;
  const on = (value: { enabled?: boolean } | undefined, fallback: { enabled: boolean }): boolean =>
    value?.enabled ?? fallback.enabled;
  return {
    registration: {
      enabled: on(spec?.registration, base.registration),
      initialAccessToken: true,
      // The operator's own token, by hash; it may choose client ids (OIDCClient spec.clientId).
      initialAccessTokens:
        initialAccessTokenHash === undefined ? [] : [{ sha256: initialAccessTokenHash, policies: ['client_id'] }],
    },
    introspection: {
      enabled: on(spec?.introspection, base.introspection),
      allowedClients: [...(spec?.introspection?.allowedClients ?? [])],
    },
    revocation: { enabled: on(spec?.revocation, base.revocation) },
    deviceFlow: { enabled: on(spec?.deviceFlow, base.deviceFlow) },
    pushedAuthorizationRequests: {
      enabled: on(spec?.pushedAuthorizationRequests, base.pushedAuthorizationRequests),
      required: spec?.pushedAuthorizationRequests?.required ?? false,
    },
    backchannelLogout: { enabled: on(spec?.backchannelLogout, base.backchannelLogout) },
    rpInitiatedLogout: { enabled: on(spec?.rpInitiatedLogout, base.rpInitiatedLogout) },
    claimsParameter: { enabled: on(spec?.claimsParameter, base.claimsParameter) },
    resourceIndicators: { enabled: on(spec?.resourceIndicators, base.resourceIndicators) },
    jwtAccessTokens: { enabled: on(spec?.jwtAccessTokens, base.jwtAccessTokens) },
  };
}

/**
 * The complete provider configuration for `provider` (every option explicit, so no default drifts silently).
 * `initialAccessTokenHash`: SHA-256 (hex) of the operator's initial access token, accepted for registration.
 * `metricLabelClients`: client ids that are a `client` label value of the per-client metrics
 * (`operator/providers/metric-labels.ts`), in order.
 */
export function renderProviderConfig(
  provider: OIDCProvider,
  initialAccessTokenHash?: string,
  metricLabelClients: readonly string[] = [],
): ProviderConfig {
  const { spec } = provider;
  const accounts = spec.accountsSecretRef;
  const hashConcurrency = hashConcurrencyFor(spec.resources);
  const config: ProviderConfig = {
    ...defaults,
    issuer: spec.issuer,
    port: PORTS.http,
    host: '0.0.0.0',
    metricsPort: PORTS.metrics,
    ttl: { ...defaults.ttl, ...spec.ttl },
    storage: storageOf(provider),
    keysFile: `${MOUNTS.keysDir}/${MOUNTS.keysFile}`,
    devKeysDir: `${MOUNTS.tmpDir}/kubeoidc`,
    signingAlgorithms: [...(spec.signing?.algorithms ?? OIDC_PROVIDER_DEFAULTS.signingAlgorithms)],
    clients: [],
    accounts: {
      ...(accounts === undefined
        ? { records: [] }
        : { file: `${MOUNTS.accountsDir}/${accounts.key ?? OIDC_PROVIDER_DEFAULTS.accountsKey}`, records: [] }),
      ...(hashConcurrency === undefined ? {} : { passwordHashConcurrency: hashConcurrency }),
    },
    features: featuresOf(spec.features, initialAccessTokenHash),
    trustedProxies: [...(spec.trustedProxies ?? defaults.trustedProxies)],
    logLevel: spec.logLevel ?? OIDC_PROVIDER_DEFAULTS.logLevel,
    metricsClientAllowlist: [...metricLabelClients],
    outbound: { allow: [...(spec.outbound?.allow ?? [])] },
    development: false,
  };
  const redisFromSecret = spec.redis.secretRef !== undefined;
  validateConfig(
    redisFromSecret
      ? { ...config, storage: { ...config.storage, url: SECRET_URL_PLACEHOLDER } }
      : structuredClone(config),
  );
  return config;
}
