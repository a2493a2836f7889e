/**
 * Names and TypeScript shapes of kubeoidc's two custom resources, OIDCProvider and OIDCClient.
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
import type { V1Affinity, V1ObjectMeta, V1Toleration, V1TopologySpreadConstraint } from '@kubernetes/client-node';

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

/** Defaults the OIDCProvider CRD declares (the API server fills them in; `test/crds/types.test.ts` keeps them equal). */
export const OIDC_PROVIDER_DEFAULTS = {
  replicas: 2,
  image: 'ghcr.io/kubeoidc/kubeoidc:0.1.0',
  imagePullPolicy: 'IfNotPresent',
  redisKeyPrefix: 'kubeoidc:',
  ttl: {
    authorizationCode: 60,
    accessToken: 3600,
    clientCredentials: 600,
    deviceCode: 600,
    idToken: 3600,
    refreshToken: 1209600,
    session: 1209600,
    grant: 1209600,
    interaction: 3600,
  },
  features: {
    registration: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    deviceFlow: { enabled: false },
    pushedAuthorizationRequests: { enabled: true, required: false },
    backchannelLogout: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    claimsParameter: { enabled: false },
    resourceIndicators: { enabled: false },
    jwtAccessTokens: { enabled: false },
  },
  signingAlgorithms: ['RS256', 'ES256'],
  rotationPeriod: '720h',
  propagationDelay: '1h',
  accountsKey: 'accounts.yaml',
  servicePort: 80,
  serviceType: 'ClusterIP',
  podDisruptionBudgetEnabled: true,
  ingressEnabled: false,
  autoscaling: { enabled: false, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 80 },
  serviceMonitor: { enabled: false, interval: '30s' },
  logLevel: 'info',
} as const;

/** Defaults the OIDCClient CRD declares. */
export const OIDC_CLIENT_DEFAULTS = {
  grantTypes: ['authorization_code'],
  scopes: ['openid'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  accessTokenFormat: 'opaque',
  clientIdKey: 'CLIENT_ID',
  clientSecretKey: 'CLIENT_SECRET',
  issuerUrlKey: 'ISSUER_URL',
  discoveryUrlKey: 'DISCOVERY_URL',
  deletionPolicy: 'Delete',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Shared shapes

/** A key in a Secret of the resource's namespace. */
export interface SecretKeyRef {
  /** Name of the Secret. */
  name: string;
  /** Key inside the Secret's data. */
  key: string;
}

/** `metav1.Condition`, as stored in status (timestamps are RFC 3339 strings on the wire). */
export interface Condition {
  /** Condition type, e.g. `Ready`. */
  type: string;
  /** Whether the condition holds. */
  status: 'True' | 'False' | 'Unknown';
  /** `metadata.generation` the condition was computed from. */
  observedGeneration?: number;
  /** When `status` last changed (RFC 3339). */
  lastTransitionTime: string;
  /** CamelCase machine-readable cause. */
  reason: string;
  /** Human-readable details; may be empty. */
  message: string;
}

/** Quantities such as `cpu: 100m` or `memory: 128Mi` (numbers are accepted too). */
export type ResourceList = Record<string, string | number>;

/** Compute resources of the provider container (the subset of `core/v1.ResourceRequirements` kubeoidc passes on). */
export interface ResourceRequirements {
  /** Maximum amounts. */
  limits?: ResourceList;
  /** Amounts the scheduler reserves. */
  requests?: ResourceList;
}

/** An integer or a percentage string such as `50%`. */
export type IntOrString = number | string;

// ---------------------------------------------------------------------------------------------------------------
// OIDCProvider

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

/** Optional protocol features. Unknown names are rejected by the schema. */
export interface FeaturesSpec {
  /** Dynamic client registration and management (RFC 7591/7592); OIDCClients are registered through it. */
  registration?: FeatureToggle;
  /** Token introspection (RFC 7662). */
  introspection?: FeatureToggle;
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
  /** Provider container image (default {@link OIDC_PROVIDER_DEFAULTS}.image). */
  image?: string;
  /** Image pull policy (default `IfNotPresent`). */
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
  /** PodDisruptionBudget. */
  podDisruptionBudget?: PodDisruptionBudgetSpec;
  /** HorizontalPodAutoscaler. */
  autoscaling?: AutoscalingSpec;
  /** ServiceMonitor. */
  serviceMonitor?: ServiceMonitorSpec;
  /** Provider log level (default `info`). */
  logLevel?: LogLevel;
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

// ---------------------------------------------------------------------------------------------------------------
// OIDCClient

/** OAuth 2.0 grant types a client may use. */
export type GrantType =
  'authorization_code' | 'refresh_token' | 'client_credentials' | 'urn:ietf:params:oauth:grant-type:device_code';

/** Response types a client may use. */
export type ResponseType = 'code' | 'none';

/** Client authentication methods at the token endpoint. */
export type TokenEndpointAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/** A JSON Web Key Set given inline. Keys are passed to the provider unchanged. */
export interface JwksSpec {
  /** The JWKs. */
  keys: JsonWebKeySpec[];
}

/**
 * A public JWK as the CRD checks it: the members below are validated (RSA needs n and e, EC crv, x and y, OKP crv
 * and x); any other member passes through.
 */
export interface JsonWebKeySpec {
  /** Key type. */
  kty: 'RSA' | 'EC' | 'OKP';
  /** Key id. */
  kid?: string;
  /** Intended use. */
  use?: 'sig';
  /** Algorithm the key is used with. */
  alg?: 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
  /** Curve (EC, OKP). */
  crv?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  /** X coordinate (EC) or public key (OKP), base64url. */
  x?: string;
  /** Y coordinate (EC), base64url. */
  y?: string;
  /** RSA modulus, base64url. */
  n?: string;
  /** RSA exponent, base64url. */
  e?: string;
  /** Other members (x5c, …). */
  [member: string]: unknown;
}

/** Per-client token lifetimes in seconds, overriding the provider's `ttl`. */
export interface ClientLifetimes {
  /** Access tokens. */
  accessToken?: number;
  /** Refresh tokens. */
  refreshToken?: number;
  /** ID tokens. */
  idToken?: number;
}

/** The Secret the operator writes the client's credentials into (in the OIDCClient's namespace). */
export interface ClientSecretSpec {
  /** Secret name (the operator uses the OIDCClient's name when omitted). */
  name?: string;
  /** Key for the client id (default `CLIENT_ID`). */
  clientIdKey?: string;
  /** Key for the client secret (default `CLIENT_SECRET`). */
  clientSecretKey?: string;
  /** Key for the issuer URL (default `ISSUER_URL`). */
  issuerUrlKey?: string;
  /** Key for the discovery document URL (default `DISCOVERY_URL`). */
  discoveryUrlKey?: string;
  /** Labels on the Secret. */
  labels?: Record<string, string>;
  /** Annotations on the Secret. */
  annotations?: Record<string, string>;
}

/** Desired registration of one client at one provider. */
export interface OIDCClientSpec {
  /** The OIDCProvider (same namespace) to register at. Immutable. */
  providerRef: { name: string };
  /** Client id to request; the provider assigns one when omitted. Immutable. */
  clientId?: string;
  /** Human-readable name shown on the consent page. */
  clientName?: string;
  /** Allowed redirect URIs. */
  redirectUris?: string[];
  /** Allowed post-logout redirect URIs. */
  postLogoutRedirectUris?: string[];
  /** Grant types (default `[authorization_code]`). */
  grantTypes?: GrantType[];
  /** Response types; when omitted the provider allows `code` if `grantTypes` has authorization_code. */
  responseTypes?: ResponseType[];
  /** Scopes the client may request (default `[openid]`). */
  scopes?: string[];
  /** Token endpoint authentication (default `client_secret_basic`). */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Inline public keys (for `private_key_jwt`); not together with `jwksUri`. */
  jwks?: JwksSpec;
  /** URL of the client's public keys; not together with `jwks`. */
  jwksUri?: string;
  /** Where the provider POSTs logout tokens. */
  backchannelLogoutUri?: string;
  /** Access token format (default `opaque`). */
  accessTokenFormat?: 'opaque' | 'jwt';
  /** Algorithm the client's ID tokens are signed with (must be one of the provider's `signing.algorithms`). */
  idTokenSignedResponseAlg?: SigningAlgorithm;
  /** Lifetime overrides. */
  lifetimes?: ClientLifetimes;
  /** Credentials Secret. */
  secret?: ClientSecretSpec;
  /** What happens at the provider when the OIDCClient is deleted (default `Delete`). */
  deletionPolicy?: 'Delete' | 'Orphan';
}

/** Condition types of an OIDCClient. */
export type OIDCClientConditionType = 'Ready' | 'Registered' | 'SecretSynced';

/** Observed state of an OIDCClient, written by the operator. */
export interface OIDCClientStatus {
  /** Ready, Registered, SecretSynced. */
  conditions?: Condition[];
  /** Client id the provider knows the client by. */
  clientId?: string;
  /** Name of the Secret holding the credentials. */
  secretName?: string;
  /** `metadata.generation` last reconciled. */
  observedGeneration?: number;
}

/** An OIDCClient object. */
export interface OIDCClient {
  apiVersion: typeof API_VERSION;
  kind: typeof OIDC_CLIENT.kind;
  metadata: V1ObjectMeta;
  spec: OIDCClientSpec;
  status?: OIDCClientStatus;
}
