/**
 * The provider as the OIDCClient reconciler sees it: a narrow interface over dynamic client registration (RFC 7591)
 * and management (RFC 7592), injected into the reconciler so the reconcile logic does not know about HTTP, and so the
 * provider's address can be pointed anywhere (in-cluster Service in production, 127.0.0.1 in tests).
 *
 * Metadata uses the wire names (snake_case, OpenID Connect Dynamic Client Registration 1.0 §2).
 */

/** Client metadata as sent to and answered by the registration endpoint. */
export type ClientMetadata = Readonly<Record<string, unknown>>;

/** What the operator needs to manage one registration later (RFC 7592 §3). */
export interface RegistrationHandle {
  /** `registration_client_uri` as the provider answered it (under the public issuer). */
  readonly registrationClientUri: string;
  /** `registration_access_token`: a credential; kept only in the operator's own Secret. */
  readonly registrationAccessToken: string;
}

/** A registered client as the provider answered a read or an update (RFC 7592 §3). */
export interface RegisteredClient {
  readonly clientId: string;
  /** Present only when the provider issued a (new) secret in this answer. */
  readonly clientSecret?: string | undefined;
  /** Present when the provider repeats or rotates them; the ones on record stand otherwise. */
  readonly registrationAccessToken?: string | undefined;
  readonly registrationClientUri?: string | undefined;
  /** Every metadata member of the answer, credentials removed. */
  readonly metadata: ClientMetadata;
}

/** A new registration as the provider answered it (RFC 7591 §3.2.1): with the handle to manage it. */
export interface Registration extends RegisteredClient {
  readonly registrationAccessToken: string;
  readonly registrationClientUri: string;
}

/** Where one provider's registration endpoint is, and how to present the initial access token. */
export interface RegistrationTarget {
  /** Base URL the operator reaches the provider at (the in-cluster Service, or a loopback URL in tests). */
  readonly baseUrl: string;
  /** The provider's public issuer, which prefixes the `registration_client_uri`s it hands out. */
  readonly issuer: string;
  /** Initial access token (RFC 7591 §3) for registration, when the provider requires one. */
  readonly initialAccessToken?: string | undefined;
  /** PEM certificates that verify an https `baseUrl` (instead of the default trust store). */
  readonly ca?: string | undefined;
}

/** RFC 7591/7592 operations. Every method throws {@link RegistrationError} subclasses on failure. */
export interface RegistrationApi {
  /** RFC 7591 §3.1: registers a client with `metadata`. */
  register(target: RegistrationTarget, metadata: ClientMetadata): Promise<Registration>;
  /**
   * RFC 7592 §2.1: reads the registration. `undefined` when the provider no longer knows the client (404, or 401:
   * the registration access token is not valid any more, which is how a provider that lost its storage answers).
   */
  read(target: RegistrationTarget, handle: RegistrationHandle): Promise<RegisteredClient | undefined>;
  /** RFC 7592 §2.2: replaces the metadata. `undefined` when the client is gone (as for `read`). */
  update(
    target: RegistrationTarget,
    handle: RegistrationHandle,
    metadata: ClientMetadata,
  ): Promise<RegisteredClient | undefined>;
  /** RFC 7592 §2.3: unregisters. A client that is already gone (404/401) counts as deleted. */
  delete(target: RegistrationTarget, handle: RegistrationHandle): Promise<void>;
}

/** Stable codes of {@link RegistrationError}. */
export type RegistrationErrorCode = 'provider_unavailable' | 'rejected' | 'unexpected_response';

/** A registration operation failed. Messages name the operation and status, never a token. */
export class RegistrationError extends Error {
  readonly code: RegistrationErrorCode;
  constructor(code: RegistrationErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegistrationError';
    this.code = code;
  }
}

/** The provider could not be reached, timed out, or answered 5xx: worth retrying with backoff. */
export class ProviderUnavailableError extends RegistrationError {
  constructor(message: string, options?: ErrorOptions) {
    super('provider_unavailable', message, options);
    this.name = 'ProviderUnavailableError';
  }
}

/** The provider refused the request (4xx with an RFC 7591 §3.2.2 error): retrying the same spec will not help. */
export class RegistrationRejectedError extends RegistrationError {
  /** `error` of the answer, e.g. `invalid_client_metadata`, `invalid_redirect_uri`, `invalid_token`. */
  readonly error: string;
  readonly status: number;
  constructor(status: number, error: string, description: string | undefined) {
    super('rejected', `${error}${description === undefined ? '' : `: ${description}`} (HTTP ${status})`);
    this.name = 'RegistrationRejectedError';
    this.error = error;
    this.status = status;
  }
}
