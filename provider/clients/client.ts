import type { JWK } from 'jose';
import type { SigningAlgorithm } from '../keys/key-file.ts';
import type { ClientRecord } from '../models/types.ts';
import { verifyClientSecret } from './secret.ts';

/** Grant types a client may register (RFC 7591 §2). The device grant only when the feature is enabled. */
export const grantTypes = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;
export type GrantType = (typeof grantTypes)[number];

/** Response types the authorization endpoint serves (DESIGN.md: `code` and `none`). */
export const responseTypes = ['code', 'none'] as const;
export type ResponseType = (typeof responseTypes)[number];

/** Client authentication methods at the token endpoint (and every endpoint that authenticates clients). */
export const tokenEndpointAuthMethods = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
] as const;
export type TokenEndpointAuthMethod = (typeof tokenEndpointAuthMethods)[number];

/** Methods that authenticate with a shared secret (the client has a `client_secret`). */
export const secretAuthMethods: ReadonlySet<TokenEndpointAuthMethod> = new Set([
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
]);

/** JWS algorithms accepted for `client_secret_jwt` assertions (HMAC with the client secret). */
export const hmacAlgorithms = ['HS256', 'HS384', 'HS512'] as const;
/** JWS algorithms accepted for `private_key_jwt` assertions (asymmetric keys from the client's JWKS). */
export const asymmetricAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type AssertionAlgorithm = (typeof hmacAlgorithms)[number] | (typeof asymmetricAlgorithms)[number];

/**
 * Validated, defaulted client metadata in OIDC Dynamic Client Registration names (snake_case). Never holds
 * `client_secret`: the `Client` keeps its secret material privately. A type alias (not an interface) so that it is a
 * `Record<string, unknown>` where events carry a client.
 */
export type ClientMetadata = {
  client_id: string;
  client_name?: string;
  application_type: 'web' | 'native';
  /** Exact-match list (no wildcards, no fragments). */
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: GrantType[];
  response_types: ResponseType[];
  /** Space-separated scopes the client may request. */
  scope: string;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  /** Only for `client_secret_jwt`/`private_key_jwt`; when set, assertions must use exactly this algorithm. */
  token_endpoint_auth_signing_alg?: AssertionAlgorithm;
  id_token_signed_response_alg: SigningAlgorithm;
  /** Public keys for `private_key_jwt` (never private members). Exclusive with `jwks_uri`. */
  jwks?: { keys: JWK[] };
  jwks_uri?: string;
  backchannel_logout_uri?: string;
  backchannel_logout_session_required: boolean;
  access_token_format: 'opaque' | 'jwt';
  /** Registered clients only (RFC 7591 §3.2.1), seconds. */
  client_id_issued_at?: number;
  /** Registered clients only; 0 = never expires. */
  client_secret_expires_at?: number;
};

/** Secret material of a client, kept apart from its metadata so it never reaches events, logs or JSON. */
export interface ClientSecretMaterial {
  /** Hash of the secret (`secret.ts`), for client_secret_basic/post. */
  secretHash?: string;
  /** The secret itself, only for client_secret_jwt: HMAC verification needs the key. */
  jwtSecret?: string;
}

/**
 * A client of the provider: static (configuration) or registered (storage). Immutable. `JSON.stringify` and event
 * listeners see only `clientId` and `metadata`; the secret material lives in private fields.
 */
export class Client {
  readonly clientId: string;
  readonly metadata: Readonly<ClientMetadata>;
  /** Whether it is a static client from configuration (cannot be changed through registration). */
  readonly isStatic: boolean;
  /**
   * Which registration of this `client_id` it is (random, set at registration, kept by updates; undefined for static
   * clients and clients registered before incarnations existed). Grants and session entries record it.
   */
  readonly incarnation: string | undefined;
  readonly #secret: ClientSecretMaterial;
  readonly #scopes: ReadonlySet<string>;

  constructor(metadata: ClientMetadata, secret: ClientSecretMaterial, isStatic: boolean, incarnation?: string) {
    this.clientId = metadata.client_id;
    this.metadata = Object.freeze({ ...metadata });
    this.isStatic = isStatic;
    this.incarnation = incarnation;
    this.#secret = { ...secret };
    this.#scopes = new Set(metadata.scope.split(' ').filter(Boolean));
  }

  /** A public client (RFC 6749 §2.1) cannot authenticate: `token_endpoint_auth_method` is `none`. */
  get isPublic(): boolean {
    return this.metadata.token_endpoint_auth_method === 'none';
  }

  /** Scopes this client may request. */
  get scopes(): ReadonlySet<string> {
    return this.#scopes;
  }

  allowsGrantType(grantType: string): boolean {
    return (this.metadata.grant_types as readonly string[]).includes(grantType);
  }

  allowsResponseType(responseType: string): boolean {
    return (this.metadata.response_types as readonly string[]).includes(responseType);
  }

  /** Exact string match against the registered redirect URIs (OAuth 2.0 Security BCP §4.1.3). */
  hasRedirectUri(uri: string): boolean {
    return this.metadata.redirect_uris.includes(uri);
  }

  hasPostLogoutRedirectUri(uri: string): boolean {
    return this.metadata.post_logout_redirect_uris.includes(uri);
  }

  /** Checks a presented secret against the stored hash, in constant time. False when the client has no secret. */
  verifySecret(candidate: string): Promise<boolean> {
    // A client_secret_jwt client keeps only the HMAC key, never a hash: it must not authenticate by sending the secret.
    const { secretHash } = this.#secret;
    return secretHash ? verifyClientSecret(candidate, secretHash) : Promise.resolve(false);
  }

  /** The HMAC key for `client_secret_jwt` assertions, or undefined for every other method. */
  jwtSecret(): string | undefined {
    return this.metadata.token_endpoint_auth_method === 'client_secret_jwt' ? this.#secret.jwtSecret : undefined;
  }

  /** What JSON, logs and events may see. */
  toJSON(): { clientId: string; metadata: Readonly<ClientMetadata> } {
    return { clientId: this.clientId, metadata: this.metadata };
  }

  /** The storage record of a registered client (secret as hash, or as the HMAC key for client_secret_jwt). */
  toRecord(iat: number, exp: number): ClientRecord {
    const record: ClientRecord = { jti: this.clientId, kind: 'Client', iat, exp, metadata: { ...this.metadata } };
    if (this.#secret.secretHash) record.secretHash = this.#secret.secretHash;
    if (this.#secret.jwtSecret) record.secretForJwt = this.#secret.jwtSecret;
    if (this.incarnation !== undefined) record.incarnation = this.incarnation;
    return record;
  }

  /** A registered client from its storage record (metadata was validated when it was registered). */
  static fromRecord(record: ClientRecord): Client {
    const secret: ClientSecretMaterial = {};
    if (record.secretHash) secret.secretHash = record.secretHash;
    if (record.secretForJwt) secret.jwtSecret = record.secretForJwt;
    return new Client(record.metadata as ClientMetadata, secret, false, record.incarnation);
  }
}
