/**
 * The stored models. Every model is a plain JSON-serialisable record so any storage adapter can keep it; the id of a
 * record is its `jti`. Times are seconds since the epoch. Models hold hashes, never plaintext client secrets.
 */

/** The models, each with its own adapter (DESIGN.md "Storage"). */
export const modelNames = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'DeviceCode',
  'Session',
  'Interaction',
  'Grant',
  'Client',
  'PushedAuthorizationRequest',
  'ReplayDetection',
  'InitialAccessToken',
  'RegistrationAccessToken',
] as const;

export type ModelName = (typeof modelNames)[number];

/** What every stored record has. */
export interface BaseModel {
  /**
   * Record id. For opaque tokens and codes it is the SHA-256 of the value (`opaqueTokenId` in provider/tokens/opaque.ts),
   * never the value itself: the value goes only to the client.
   */
  jti: string;
  kind: ModelName;
  /** Issued at (s). */
  iat: number;
  /** Expires at (s). */
  exp: number;
}

/** Fields shared by everything issued on behalf of an end-user through a grant. */
export interface GrantBound {
  accountId: string;
  clientId: string;
  grantId: string;
  /** Space-separated granted scope. */
  scope: string;
  /** `claims` request parameter (OIDC Core §5.5), JSON text, when one was given. */
  claims?: string;
  /** Session the authorization happened in (for logout and `sid`). */
  sessionUid?: string;
  /** `sid` claim value of the session for this client. */
  sid?: string;
  /** Time of the end-user authentication (s). */
  authTime?: number;
  acr?: string;
  amr?: string[];
  /** Audience-selecting resource indicator (RFC 8707). */
  resource?: string;
}

export interface AuthorizationCode extends BaseModel, GrantBound {
  kind: 'AuthorizationCode';
  redirectUri: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256';
  /** Set when redeemed (s); a second redemption is a replay. */
  consumed?: number;
}

export interface AccessToken extends BaseModel, GrantBound {
  kind: 'AccessToken';
  /** Grant type that issued it. */
  gty: string;
  format: 'opaque' | 'jwt';
  /** Audience (resource server) when one was chosen. */
  aud?: string;
}

export interface RefreshToken extends BaseModel, GrantBound {
  kind: 'RefreshToken';
  gty: string;
  nonce?: string;
  /** How many rotations led to this token. */
  rotations: number;
  /** Set when rotated (s); presenting it again is reuse and revokes the grant. */
  consumed?: number;
}

export interface ClientCredentials extends BaseModel {
  kind: 'ClientCredentials';
  clientId: string;
  scope: string;
  format: 'opaque' | 'jwt';
  aud?: string;
}

export interface DeviceCode extends BaseModel {
  kind: 'DeviceCode';
  clientId: string;
  userCode: string;
  /** Authorization request parameters. */
  params: Record<string, string>;
  /** Filled when the end-user approved or denied on the user-code page. */
  result?:
    | {
        accountId: string;
        grantId: string;
        scope: string;
        sessionUid?: string;
        authTime?: number;
        acr?: string;
        amr?: string[];
        sid?: string;
      }
    | { error: string; errorDescription?: string };
  consumed?: number;
  /**
   * When the device code and user code stop working (s). The record itself (`exp`) is kept a while longer, so that a
   * device polling after this learns `expired_token` (RFC 8628 §3.5) rather than `invalid_grant`.
   */
  expiresAt?: number;
}

/** The per-client part of a session: the `sid` given to that client and the grant it used. */
export interface SessionAuthorization {
  sid: string;
  grantId: string;
  /** The client's incarnation (`ClientRecord.incarnation`) it was authorized for; an entry of another one is void. */
  clientIncarnation?: string;
}

export interface Session extends BaseModel {
  kind: 'Session';
  /** Stable id across cookie rotation (logout, back-channel). */
  uid: string;
  accountId?: string;
  /** Time of login (s), the `auth_time`. */
  loginTs?: number;
  acr?: string;
  amr?: string[];
  authorizations: Record<string, SessionAuthorization>;
}

/** A prompt the end-user has to answer: log in or give consent. */
export interface Prompt {
  name: 'login' | 'consent';
  /** Why: `no_session`, `login_prompt`, `max_age`, `id_token_hint`, `consent_prompt`, `scopes_missing`, … */
  reasons: string[];
}

export interface Interaction extends BaseModel {
  kind: 'Interaction';
  /** The authorization request being resolved (validated parameters). */
  params: Record<string, string>;
  clientId: string;
  prompt: Prompt;
  sessionUid?: string;
  /** Where the browser returns to once the interaction is resolved. */
  returnTo: string;
  /** Per-interaction CSRF token the login/consent forms must echo (compared in constant time). */
  csrfToken: string;
  /** Set when the interaction authorizes a device (RFC 8628): the user code it was started for. */
  deviceUserCode?: string;
  /** Filled by the login/consent step. */
  result?: {
    /** `carried`: a login from an earlier interaction of the same request, already applied to the session. */
    login?: { accountId: string; loginTs: number; acr?: string; amr?: string[]; carried?: boolean };
    consent?: { grantId: string };
    error?: { error: string; errorDescription?: string };
  };
}

export interface Grant extends BaseModel {
  kind: 'Grant';
  accountId: string;
  clientId: string;
  /** Scopes consented to. */
  scopes: string[];
  /** Individual claims consented to (from the `claims` parameter). */
  claims: string[];
  /** Resource indicators consented to, with their scopes. */
  resources: Record<string, string[]>;
  /**
   * The incarnation of the client consented to (`ClientRecord.incarnation`; absent for static clients). A client
   * deleted and registered again under the same `client_id` is another incarnation: the grant is void for it.
   */
  clientIncarnation?: string;
}

/** Registered or static client metadata as stored. `client_secret` is never here: only its hash. */
export interface ClientRecord extends BaseModel {
  kind: 'Client';
  /** Metadata names follow OIDC Dynamic Client Registration (snake_case). */
  metadata: Record<string, unknown>;
  /** scrypt/SHA-256 hash of the secret for client_secret_basic/post; see `provider/clients`. */
  secretHash?: string;
  /** Secret for client_secret_jwt, which needs the plaintext key (HMAC); encrypted at rest when a key is configured. */
  secretForJwt?: string;
  /**
   * Random value chosen when the client was registered, kept across updates: tells this registration from an earlier
   * one under the same `client_id`, so grants and session entries of a deleted client never apply to a new one.
   */
  incarnation?: string;
}

export interface PushedAuthorizationRequest extends BaseModel {
  kind: 'PushedAuthorizationRequest';
  clientId: string;
  params: Record<string, string>;
  consumed?: number;
}

/** A seen `jti` of a client assertion (or other one-time JWT) kept until it would expire anyway. */
export interface ReplayDetection extends BaseModel {
  kind: 'ReplayDetection';
}

export interface InitialAccessToken extends BaseModel {
  kind: 'InitialAccessToken';
  /** Policies / labels attached by whoever created it. */
  policies?: string[];
}

export interface RegistrationAccessToken extends BaseModel {
  kind: 'RegistrationAccessToken';
  clientId: string;
}

/** Model name → record type. */
export interface ModelTypes {
  AccessToken: AccessToken;
  AuthorizationCode: AuthorizationCode;
  RefreshToken: RefreshToken;
  ClientCredentials: ClientCredentials;
  DeviceCode: DeviceCode;
  Session: Session;
  Interaction: Interaction;
  Grant: Grant;
  Client: ClientRecord;
  PushedAuthorizationRequest: PushedAuthorizationRequest;
  ReplayDetection: ReplayDetection;
  InitialAccessToken: InitialAccessToken;
  RegistrationAccessToken: RegistrationAccessToken;
}

export type AnyModel = ModelTypes[ModelName];
