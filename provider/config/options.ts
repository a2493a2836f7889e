/**
 * Every configuration option of the provider, with its default and what it means. This is the one place options are
 * defined: the validator (`schema.ts`), the loader (`load.ts`), the operator's renderer and `docs/configuration.md`
 * all follow it.
 */

/** Lifetimes in seconds of what the provider stores or issues. */
export interface TtlOptions {
  /** Authorization code. RFC 6749 recommends at most 10 minutes; short is safer. */
  authorizationCode: number;
  /** Opaque or JWT access token from authorization_code, refresh_token and device_code grants. */
  accessToken: number;
  /** Access token from the client_credentials grant. */
  clientCredentials: number;
  /** ID token `exp - iat`. */
  idToken: number;
  /** Refresh token (absolute; rotation issues a new one with the remaining grant lifetime at most). */
  refreshToken: number;
  /** End-user session (the cookie and its stored record). */
  session: number;
  /** Grant: the remembered consent of one account for one client. */
  grant: number;
  /** Login/consent interaction in progress. */
  interaction: number;
  /** Device code and user code (RFC 8628). */
  deviceCode: number;
  /** Pushed authorization request (RFC 9126) `request_uri`. */
  pushedAuthorizationRequest: number;
}

/** Storage for every piece of state. `memory` is for one process only; every multi-replica deployment uses `redis`. */
export type StorageOptions =
  | {
      type: 'memory';
      /**
       * Upper bound on stored entries, protecting the process. Live entries are never evicted: when full (or a kind
       * anyone can create reaches a tenth of it), new records are refused with 503 (docs/security.md).
       */
      maxEntries: number;
    }
  | {
      type: 'redis';
      /** `redis://` or `rediss://` URL of a standalone server. */
      url?: string;
      /** Sentinel: master name and `host:port` of sentinels. */
      sentinel?: { masterName: string; sentinels: string[] };
      /** Cluster: `host:port` of seed nodes. */
      cluster?: { nodes: string[] };
      /** Prefix of every key, so several providers can share one Redis. */
      keyPrefix: string;
      /**
       * Password (Redis AUTH) of the data nodes — for Sentinel and Cluster, where there is no URL to carry it. Set it
       * from a Secret through `KUBEOIDC_REDIS_PASSWORD` rather than in the file.
       */
      password?: string;
      /** Password of the Sentinels themselves, when they require one (`KUBEOIDC_REDIS_SENTINEL_PASSWORD`). */
      sentinelPassword?: string;
      /** TLS to the data nodes and Sentinels (Sentinel and Cluster; a URL says it with `rediss://`). */
      tls?: boolean;
      /**
       * How long a command may wait for Redis's answer before it fails (ms, default 1000; 10–60000), so that a hung
       * Redis (a paused process, a stalled network path) gives a 503 `temporarily_unavailable` within about this time
       * instead of a hang. Only a real wait for Redis counts: an answer that arrived while the provider's event loop
       * was busy is taken however late the loop reads it (docs/storage.md, "Fail fast").
       */
      commandTimeoutMs?: number;
    };

/**
 * The event stream (docs/event-bridge.md): with Redis storage, handled errors, `server_error` and detected replays
 * are appended to the bounded stream `<keyPrefix>events`, which the operator turns into Kubernetes Events. With
 * memory storage there is no stream and these options do nothing.
 */
export interface EventStreamOptions {
  /** Append records to the stream (Redis storage only). */
  enabled: boolean;
  /** Approximate upper bound of stream entries (`XADD … MAXLEN ~`); older entries are trimmed. */
  maxLength: number;
  /** Records waiting in the process for Redis at most; beyond it (or while Redis is down) records are dropped. */
  bufferSize: number;
}

/**
 * Requests the provider sends to URLs clients chose — fetching a `jwks_uri`, POSTing to a `backchannel_logout_uri`
 * (`provider/outbound/`, docs/security.md). Loopback, link-local, private (RFC 1918, ULA), CGNAT and cluster-internal
 * addresses and names are refused unless listed here, checked on the address connected to.
 */
export interface OutboundOptions {
  /** CIDR ranges (`10.1.0.0/16`, `::1/128`), addresses, or host names (exact) that may be reached even so. */
  allow: string[];
}

/** A client declared in configuration (OIDC Dynamic Client Registration metadata names). */
export interface StaticClient {
  client_id: string;
  /** Plain secret (development) — hashed at load and never kept in plaintext. */
  client_secret?: string;
  client_name?: string;
  /** Required unless the client only uses grants without a redirect (client_credentials). */
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  grant_types?: string[];
  response_types?: string[];
  scope?: string;
  token_endpoint_auth_method?: string;
  token_endpoint_auth_signing_alg?: string;
  jwks?: { keys: Record<string, unknown>[] };
  jwks_uri?: string;
  id_token_signed_response_alg?: string;
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  access_token_format?: 'opaque' | 'jwt';
  application_type?: 'web' | 'native';
}

/** An account in the file-backed account store. */
export interface AccountRecord {
  username: string;
  /** argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) made by `kubeoidc hash-password`; older `scrypt$N$r$p$salt$hash` still verifies. */
  password_hash: string;
  /** Subject identifier; stable, never reassigned. */
  sub: string;
  /** Standard claims (OIDC Core §5.1) released by scope. */
  claims?: Record<string, unknown>;
}

/** An initial access token given in configuration by its hash. */
export interface StaticInitialAccessToken {
  /** Lowercase hex SHA-256 of the token's UTF-8 bytes (`printf %s "$token" | sha256sum`). */
  sha256: string;
  /** `client_id`: registrations with this token may choose their `client_id`. */
  policies?: 'client_id'[];
}

/** A feature toggle; features are objects so that they can grow options without breaking configurations. */
export interface Feature {
  enabled: boolean;
}

export interface FeatureOptions {
  /** Dynamic client registration (RFC 7591) and management (RFC 7592); docs/registration.md. */
  registration: Feature & {
    /** Whether registering needs an initial access token (`Authorization: Bearer`); false = open registration. */
    initialAccessToken: boolean;
    /**
     * Static initial access tokens, by hash only (so a ConfigMap holds no secret): reusable, valid while listed. The
     * operator renders the hash of a token it keeps in its own Secret. Stored, expiring ones come from
     * `kubeoidc create-initial-access-token`.
     */
    initialAccessTokens?: StaticInitialAccessToken[];
  };
  /**
   * Token introspection (RFC 7662). Which client may learn about which token (`provider/introspection/policy.ts`): the
   * client the token was issued to, a client whose `client_id` is among the token's audiences (a resource server), and
   * the clients listed in `allowedClients` (e.g. an API gateway in front of several resources), which may introspect
   * every token. Any other caller is answered `{ active: false }`, exactly as for an unknown token.
   */
  introspection: Feature & { allowedClients?: string[] };
  /** Token revocation (RFC 7009). */
  revocation: Feature;
  /**
   * Device authorization grant (RFC 8628): `/device/authorize`, the user-code page `/device` and the device_code grant
   * (`provider/device/`, docs/device-flow.md).
   */
  deviceFlow: Feature;
  /**
   * Pushed authorization requests (RFC 9126) at `/par`; `required` refuses plain authorization requests
   * (`provider/par/`, docs/par.md).
   */
  pushedAuthorizationRequests: Feature & { required: boolean };
  /**
   * Back-channel logout (OIDC Back-Channel Logout 1.0): logout tokens POSTed to the session's clients that registered a
   * `backchannel_logout_uri`, when a logout ends the session (`provider/backchannel/`, docs/logout.md).
   */
  backchannelLogout: Feature;
  /** RP-initiated logout at `/logout` (`end_session_endpoint`) with a confirmation page (`provider/end-session/`). */
  rpInitiatedLogout: Feature;
  /** The `claims` request parameter (OIDC Core §5.5). */
  claimsParameter: Feature;
  /** Resource indicators (RFC 8707): `resource` selects the access token's audience (provider/token/resource.ts). */
  resourceIndicators: Feature;
  /**
   * JWT access tokens (RFC 9068) for clients whose `access_token_format` is `jwt`: signed with the first of
   * `signingAlgorithms`, not stored (provider/tokens/jwt-access-token.ts).
   */
  jwtAccessTokens: Feature;
}

/** How clients authenticate (docs/clients.md). */
export interface ClientAuthenticationOptions {
  /**
   * `client_secret_basic` and `client_secret_post` are one shared secret sent two ways, so by default a client
   * registered for either may use either (as oidc-provider and Keycloak do). `true` holds each client to its registered
   * method (`invalid_client` otherwise). Never affects `client_secret_jwt`, `private_key_jwt` or `none`.
   */
  strictSecretMethod: boolean;
  /**
   * Longest lifetime (s) of a JWT client assertion (`client_secret_jwt`, `private_key_jwt`): one whose `exp` is
   * further than this from its `iat`, or from now, is refused. An assertion is a one-time credential; a long-lived
   * one is a password that can be replayed once stolen, and every accepted `jti` is remembered until `exp`.
   */
  assertionMaxLifetime: number;
}

export interface ProviderConfig {
  /** Issuer identifier: https URL with no query or fragment; plain http only on loopback (development). */
  issuer: string;
  /** Port of the protocol endpoints. */
  port: number;
  /** Address the server binds to. */
  host: string;
  /** Port of `/metrics` (kept off the public listener). 0 disables it. */
  metricsPort: number;
  /** Lifetimes. */
  ttl: TtlOptions;
  storage: StorageOptions;
  /** The event stream for the operator (Redis storage only). */
  eventStream: EventStreamOptions;
  /**
   * JSON file with signing keys and cookie keys (mounted from a Kubernetes Secret). Shape: `KeyFile` in
   * `provider/keys/key-file.ts`. Reloaded when it changes. When unset, development keys are generated once and kept in
   * `devKeysDir`.
   */
  keysFile?: string;
  /** Where generated development keys are kept across restarts (git-ignored). */
  devKeysDir: string;
  /** Signing algorithms offered for ID tokens and JWT access tokens; the first is the default. */
  signingAlgorithms: ('RS256' | 'PS256' | 'ES256' | 'EdDSA')[];
  /** Static clients. */
  clients: StaticClient[];
  /** Accounts: a YAML/JSON file of `AccountRecord`s (mounted from a Secret) and/or inline records. */
  accounts: {
    file?: string;
    records: AccountRecord[];
    /**
     * argon2id cost (`m` KiB of memory, `t` passes, `p` lanes) that a stored hash must reach; a weaker one is rehashed
     * at this cost after a successful login. Default OWASP's (m=19456, t=2, p=1). Lower it only where the hashes are
     * deliberately cheap too (the benchmark's trivial-cost accounts, `bench/`), never to save time in production.
     */
    passwordHashCost?: { m: number; t: number; p: number };
    /**
     * Password hashes (logins) that may run at once; more wait their turn. Default: one fewer than the cores the
     * process may run on, at least 1, so a core stays for the event loop and other requests stay fast during a login
     * burst. On Kubernetes, where a CPU limit is not visible as fewer cores, set it to the pod's CPU limit minus one
     * (at least 1).
     */
    passwordHashConcurrency?: number;
    /**
     * Nice value (0–19) of libuv's thread pool, where password hashes run, so that during a login burst the kernel
     * gives a busy core to the event loop (every other request) first and hashing takes what is left — all of the
     * core when nothing else runs. The pool also runs RS256 signatures and fs calls, which get the same priority.
     * Linux only (elsewhere, or without /proc, it does nothing and logs why at debug); set once at start, since an
     * unprivileged process cannot lower it again. 0 leaves the pool at the process's priority. Default 5
     * (`DEFAULT_PASSWORD_HASH_NICE`): the measured trade of logins against other requests is in docs/performance.md
     * ("The login burst").
     */
    passwordHashNice?: number;
  };
  /** Scopes the provider knows; `openid` is always supported. */
  scopes: string[];
  features: FeatureOptions;
  /**
   * Proxies whose `X-Forwarded-For` (and `X-Forwarded-Proto`) the provider believes, as Express's `trust proxy` list:
   * `loopback`, `linklocal`, `uniquelocal`, IP addresses and CIDR ranges. The client address — which the login and
   * device user-code rate limits count by — is the first address in `X-Forwarded-For`, read from the right, that is
   * not a trusted proxy. Only list the addresses your ingress controller or load balancer connects from: a listed
   * range whose other members can reach the pod can name any client address. Default: loopback only (a sidecar proxy).
   */
  trustedProxies: string[];
  /** Client authentication at the token, PAR, introspection, revocation and device authorization endpoints. */
  clientAuthentication: ClientAuthenticationOptions;
  /**
   * Seconds the provider keeps serving after SIGTERM before it stops accepting connections (0–60). Meanwhile
   * `/healthz/ready` answers 503 and every response closes its keep-alive connection, so Services, kube-proxy and load
   * balancers stop routing to the replica while it still answers; then requests in flight get 5 s more. A Pod's
   * `terminationGracePeriodSeconds` (30 by default) must exceed this plus 5. SIGINT (Ctrl-C) stops without the delay.
   */
  shutdownDelaySeconds: number;
  /** Log level (pino). */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Client ids that are a `client` label value of the per-client metrics (static `clients` are too); every other client
   * is `other`. The operator renders the OIDCClients that opt in (`spec.metrics.label`, docs/metrics.md).
   */
  metricsClientAllowlist: string[];
  /** Outbound requests to client-chosen URLs (server-side request forgery policy). */
  outbound: OutboundOptions;
  /** Whether this configuration is the embedded development default (printed loudly at start). */
  development: boolean;
}

/** Defaults for every option except `clients` and `accounts` content (see `dev-defaults.ts`). */
export const defaults: ProviderConfig = {
  issuer: 'http://localhost:3000',
  port: 3000,
  host: '0.0.0.0',
  metricsPort: 9464,
  ttl: {
    authorizationCode: 60,
    accessToken: 3600,
    clientCredentials: 600,
    idToken: 3600,
    refreshToken: 14 * 24 * 3600,
    session: 14 * 24 * 3600,
    grant: 14 * 24 * 3600,
    interaction: 3600,
    deviceCode: 600,
    pushedAuthorizationRequest: 60,
  },
  storage: { type: 'memory', maxEntries: 100_000 },
  eventStream: { enabled: true, maxLength: 10_000, bufferSize: 1_000 },
  devKeysDir: '.kubeoidc',
  signingAlgorithms: ['RS256', 'ES256'],
  clients: [],
  accounts: { records: [] },
  scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
  features: {
    registration: { enabled: false, initialAccessToken: true, initialAccessTokens: [] },
    introspection: { enabled: false, allowedClients: [] },
    revocation: { enabled: false },
    deviceFlow: { enabled: false },
    pushedAuthorizationRequests: { enabled: false, required: false },
    backchannelLogout: { enabled: false },
    rpInitiatedLogout: { enabled: false },
    claimsParameter: { enabled: true },
    resourceIndicators: { enabled: false },
    jwtAccessTokens: { enabled: false },
  },
  trustedProxies: ['loopback'],
  clientAuthentication: { strictSecretMethod: false, assertionMaxLifetime: 600 },
  shutdownDelaySeconds: 5,
  logLevel: 'info',
  metricsClientAllowlist: [],
  outbound: { allow: [] },
  development: false,
};
