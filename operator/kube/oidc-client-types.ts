/** TypeScript shape of the OIDCClient custom resource (`crds/oidcclients.kubeoidc.dev.yaml`). */
import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';
import type { Condition } from './crd-common.ts';
import type { API_VERSION, OIDC_CLIENT } from './crd-names.ts';
import type { SigningAlgorithm } from './oidc-provider-types.ts';

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
  /** How the provider's metrics name this client. */
  metrics?: ClientMetricsSpec;
}

/** How the provider's metrics name a client. */
export interface ClientMetricsSpec {
  /**
   * Be a `client` label value of the per-client metrics instead of `other` (default false); granted oldest first up
   * to the provider's `spec.metrics.maxClientLabels`.
   */
  label?: boolean;
}

/** Condition types of an OIDCClient. */
export type OIDCClientConditionType = 'Ready' | 'Registered' | 'SecretSynced' | 'MetricLabel';

/** Observed state of an OIDCClient, written by the operator. */
export interface OIDCClientStatus {
  /** Ready, Registered, SecretSynced, and MetricLabel when the client opts in to being a metric label. */
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

/** A list of OIDCClients, as the API returns it. */
export interface OIDCClientList {
  apiVersion: typeof API_VERSION;
  kind: typeof OIDC_CLIENT.listKind;
  metadata: V1ListMeta;
  items: OIDCClient[];
}
