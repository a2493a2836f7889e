/** TypeScript shape of the OIDCProvider custom resource (`crds/oidcproviders.kubeoidc.dev.yaml`). */
import type {
  V1Affinity,
  V1ListMeta,
  V1ObjectMeta,
  V1Toleration,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
import type { Condition, IntOrString, ResourceRequirements, SecretKeyRef } from './crd-common.ts';
import type { API_VERSION, OIDC_PROVIDER } from './crd-names.ts';

/** Where the provider keeps its state. Exactly one of `url`, `secretRef`, `sentinel`, `cluster` is set. */
export interface RedisSpec {
  /** `redis://` or `rediss://` URL of a standalone Redis. */
  url?: string;
  /** Secret key holding such a URL (use this when the URL carries a password). */
  secretRef?: SecretKeyRef;
  /** Redis Sentinel deployment. */
  sentinel?: RedisSentinelSpec;
  /** Redis Cluster deployment. */
  cluster?: RedisClusterSpec;
  /** Secret key holding the password for `sentinel` or `cluster` nodes. */
  passwordSecretRef?: SecretKeyRef;
  /** Prefix of every key the provider writes (default `kubeoidc:`). */
  keyPrefix?: string;
  /** Command deadline (ms) → the provider's `storage.commandTimeoutMs`; unset = the provider's default (1000). */
  commandTimeoutMs?: number;
}

/** Redis Sentinel: the master group name and the sentinels to ask for it. */
export interface RedisSentinelSpec {
  /** Name of the monitored master group. */
  masterName: string;
  /** Sentinel addresses as `host:port`. */
  sentinels: string[];
}

/** Redis Cluster: seed nodes. */
export interface RedisClusterSpec {
  /** Node addresses as `host:port`. */
  nodes: string[];
}

/** Lifetimes in seconds of what the provider stores or issues. */
export interface TtlSpec {
  /** Authorization codes (default 60). */
  authorizationCode?: number;
  /** Access tokens (default 3600). */
  accessToken?: number;
  /** Access tokens of the client_credentials grant (default 600). */
  clientCredentials?: number;
  /** Device codes (default 600). */
  deviceCode?: number;
  /** ID tokens (default 3600). */
  idToken?: number;
  /** Refresh tokens (default 1209600, 14 days). */
  refreshToken?: number;
  /** Login sessions (default 1209600). */
  session?: number;
  /** Grants, the consent record tokens hang off (default 1209600). */
  grant?: number;
  /** Login/consent interactions (default 3600). */
  interaction?: number;
}

/** A feature that can only be switched on or off. */
export interface FeatureToggle {
  /** Whether the feature is on. */
  enabled?: boolean;
}

/** Pushed authorization requests (RFC 9126). */
export interface ParFeature extends FeatureToggle {
  /** Require every authorization request to be pushed first (needs `enabled`). */
  required?: boolean;
}

/** Token introspection (RFC 7662). */
export interface IntrospectionFeature extends FeatureToggle {
  /** Client ids that may introspect every token (others only tokens issued to them or naming them as audience). */
  allowedClients?: string[];
}

/** Requests to URLs clients chose (jwks_uri, backchannel_logout_uri): internal addresses are refused unless allowed. */
export interface OutboundSpec {
  /** CIDR ranges, IP addresses or exact host names that may be reached although internal. */
  allow?: string[];
}

/** Optional protocol features. Unknown names are rejected by kubectl and pruned by the API server. */
export interface FeaturesSpec {
  /** Dynamic client registration and management (RFC 7591/7592); OIDCClients are registered through it. */
  registration?: FeatureToggle;
  /** Token introspection (RFC 7662). */
  introspection?: IntrospectionFeature;
  /** Token revocation (RFC 7009). */
  revocation?: FeatureToggle;
  /** Device authorization grant (RFC 8628). */
  deviceFlow?: FeatureToggle;
  /** Pushed authorization requests (RFC 9126). */
  pushedAuthorizationRequests?: ParFeature;
  /** Back-channel logout. */
  backchannelLogout?: FeatureToggle;
  /** RP-initiated logout (end_session endpoint). */
  rpInitiatedLogout?: FeatureToggle;
  /** The `claims` request parameter. */
  claimsParameter?: FeatureToggle;
  /** Resource indicators (RFC 8707). */
  resourceIndicators?: FeatureToggle;
  /** JWT access tokens (RFC 9068) for clients that ask for them. */
  jwtAccessTokens?: FeatureToggle;
}

/** JWS algorithms the provider can sign with. */
export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/** Signing keys: which algorithms, and how they rotate. */
export interface SigningSpec {
  /** Algorithms to keep an active key for (default `[RS256, ES256]`). */
  algorithms?: SigningAlgorithm[];
  /** Go duration between rotations, e.g. `720h` (default). */
  rotationPeriod?: string;
  /** Go duration a new key is published before it signs (default `1h`). */
  propagationDelay?: string;
  /** Margins of the key retention rule (how long a key stays published after it stopped signing). */
  retention?: KeyRetentionSpec;
}

/**
 * Margins added to the longest token or session lifetime in force while a key signed to give its retention once it
 * stops signing; Go durations from `0s` to `24h` (operator/providers/keys/policy.ts).
 */
export interface KeyRetentionSpec {
  /** Time for a changed key Secret to reach every pod and be reloaded (default `5m`; unsafe below the kubelet's sync). */
  podPropagationMargin?: string;
  /** Clock skew tolerated between the operator, the replicas and relying parties (default `5m`). */
  clockSkewMargin?: string;
}

/** The Service in front of the provider replicas. */
export interface ServiceSpec {
  /** Service type (default `ClusterIP`). */
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Service port (default 80). */
  port?: number;
  /** Annotations on the Service. */
  annotations?: Record<string, string>;
}

/**
 * Where the operator reaches the provider for OIDCClient registrations: an https `url` (verified with `caSecretRef`,
 * else the operator's trust store) when something in front of the provider serves TLS; default its Service over HTTP.
 */
export interface RegistrationEndpointSpec {
  /** Base URL (`<url>/register` is the registration endpoint). */
  url?: string;
  /** PEM certificates that verify an https `url`. */
  caSecretRef?: SecretKeyRef;
}

/** An optional Ingress for the issuer's host. */
export interface IngressSpec {
  /** Create the Ingress (default false). */
  enabled?: boolean;
  /** IngressClass name. */
  className?: string;
  /** Host the Ingress serves; required when enabled. */
  host?: string;
  /** TLS termination. */
  tls?: { secretName: string };
  /** Annotations on the Ingress. */
  annotations?: Record<string, string>;
}

/** The PodDisruptionBudget of the provider pods. At most one of `minAvailable` and `maxUnavailable`. */
export interface PodDisruptionBudgetSpec {
  /** Create the PodDisruptionBudget (default true). */
  enabled?: boolean;
  /** Pods that must stay available. */
  minAvailable?: IntOrString;
  /** Pods that may be unavailable (the operator uses 1 when neither is set). */
  maxUnavailable?: IntOrString;
}

/** An optional HorizontalPodAutoscaler; when enabled it drives `spec.replicas` through the scale subresource. */
export interface AutoscalingSpec {
  /** Create the HorizontalPodAutoscaler (default false). */
  enabled?: boolean;
  /** Lower bound (default 2). */
  minReplicas?: number;
  /** Upper bound (default 10). */
  maxReplicas?: number;
  /** Average CPU utilisation to aim for (default 80). */
  targetCPUUtilizationPercentage?: number;
}

/** An optional Prometheus Operator ServiceMonitor (created only when its CRD exists). */
export interface ServiceMonitorSpec {
  /** Create the ServiceMonitor (default false). */
  enabled?: boolean;
  /** Scrape interval as a Prometheus duration (default `30s`). */
  interval?: string;
  /** Labels on the ServiceMonitor, so a Prometheus selector picks it up. */
  labels?: Record<string, string>;
}

/** Pino log levels. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Desired state of one OpenID Connect provider deployment. */
export interface OIDCProviderSpec {
  /** Issuer identifier: https URL (plain http only on loopback), no query, fragment or trailing slash. */
  issuer: string;
  /** Provider replicas (default 2); the scale subresource's spec path. */
  replicas?: number;
  /** Provider container image (default: the operator's provider image, `operator/providers/provider-image.ts`). */
  image?: string;
  /** Image pull policy (default: the operator's with its image, else `IfNotPresent`). */
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** Redis connection. */
  redis: RedisSpec;
  /** Lifetimes. */
  ttl?: TtlSpec;
  /** Optional features. */
  features?: FeaturesSpec;
  /** Signing keys. */
  signing?: SigningSpec;
  /** Secret with the accounts file of the built-in account store (key defaults to `accounts.yaml`). */
  accountsSecretRef?: { name: string; key?: string };
  /** Provider container resources. */
  resources?: ResourceRequirements;
  /** Node selector of the provider pods. */
  nodeSelector?: Record<string, string>;
  /** Affinity of the provider pods. */
  affinity?: V1Affinity;
  /** Tolerations of the provider pods. */
  tolerations?: V1Toleration[];
  /** Topology spread; when omitted the operator spreads across zones and hosts. */
  topologySpreadConstraints?: V1TopologySpreadConstraint[];
  /** Extra annotations on the provider pods. */
  podAnnotations?: Record<string, string>;
  /** Extra labels on the provider pods. */
  podLabels?: Record<string, string>;
  /** Service. */
  service?: ServiceSpec;
  /** Ingress. */
  ingress?: IngressSpec;
  /** How the operator reaches the provider to register OIDCClients (default: the Service, plain HTTP). */
  registrationEndpoint?: RegistrationEndpointSpec;
  /** PodDisruptionBudget. */
  podDisruptionBudget?: PodDisruptionBudgetSpec;
  /** HorizontalPodAutoscaler. */
  autoscaling?: AutoscalingSpec;
  /** ServiceMonitor. */
  serviceMonitor?: ServiceMonitorSpec;
  /**
   * Proxies whose X-Forwarded-For the provider believes (provider option `trustedProxies`; default loopback only).
   */
  trustedProxies?: string[];
  /** Outbound requests to client-chosen URLs (provider option `outbound`). */
  outbound?: OutboundSpec;
  /** Provider log level (default `info`). */
  logLevel?: LogLevel;
  /** The provider's metrics. */
  metrics?: ProviderMetricsSpec;
}

/** The provider's metrics. */
export interface ProviderMetricsSpec {
  /**
   * How many OIDCClients that opt in (`spec.metrics.label`) become a `client` label value, oldest first (default 50,
   * at most 500); every other client is `other`.
   */
  maxClientLabels?: number;
}

/** Condition types of an OIDCProvider. */
export type OIDCProviderConditionType = 'Ready' | 'Progressing' | 'Degraded' | 'KeysReady';

/** Observed state of an OIDCProvider, written by the operator. */
export interface OIDCProviderStatus {
  /** Ready, Progressing, Degraded, KeysReady. */
  conditions?: Condition[];
  /** `metadata.generation` last reconciled. */
  observedGeneration?: number;
  /** Provider pods that exist (the scale subresource's status path). */
  replicas?: number;
  /** Provider pods that are ready. */
  readyReplicas?: number;
  /** Label selector of the provider pods, as a string (for the scale subresource and HPA). */
  selector?: string;
  /** Issuer the running configuration serves. */
  issuer?: string;
  /** `kid`s of the keys that sign (one per algorithm). */
  activeKeyIds?: string[];
  /** `kid`s published in the JWKS (active, next and retiring keys). */
  publishedKeyIds?: string[];
  /** When the next rotation step is due (RFC 3339). */
  nextRotationTime?: string;
}

/** An OIDCProvider object. */
export interface OIDCProvider {
  apiVersion: typeof API_VERSION;
  kind: typeof OIDC_PROVIDER.kind;
  metadata: V1ObjectMeta;
  spec: OIDCProviderSpec;
  status?: OIDCProviderStatus;
}

/** A list of OIDCProviders, as the API returns it. */
export interface OIDCProviderList {
  apiVersion: typeof API_VERSION;
  kind: typeof OIDC_PROVIDER.listKind;
  metadata: V1ListMeta;
  items: OIDCProvider[];
}
