/**
 * The one error hierarchy of the provider. Middleware and models only throw these; one error handler renders them and
 * emits `<endpoint>.error` (handled) or `server_error` (anything else). `expose` says whether `error_description` may
 * be shown to the client; a non-exposed error is rendered as a bare `server_error`.
 */
export class OIDCError extends Error {
  /** RFC 6749 / OIDC / RFC 6750 … error code. */
  readonly error: string;
  /** Human-readable description, safe to show to the client (no secrets, no stack). */
  readonly errorDescription: string;
  /** HTTP status when rendered directly (not redirected). */
  readonly status: number;
  readonly expose: boolean;

  constructor(error: string, errorDescription: string, status = 400, expose = true) {
    // An exposed error is the client's mistake: rendered, counted and logged by code and description, never with a
    // stack (only `server_error` logs frames). Capturing one cost more than the rest of an `authorization_pending`
    // answer's error path (docs/performance.md), so none is captured; a not-exposed error keeps its stack.
    const stackTraceLimit = Error.stackTraceLimit;
    if (expose) Error.stackTraceLimit = 0;
    super(errorDescription);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'OIDCError';
    this.error = error;
    this.errorDescription = errorDescription;
    this.status = status;
    this.expose = expose;
  }
}

type Factory = new (description?: string) => OIDCError;

function errorClass(code: string, status: number, defaultDescription: string): Factory {
  return class extends OIDCError {
    constructor(description = defaultDescription) {
      super(code, description, status);
    }
  };
}

// RFC 6749 §4.1.2.1 and §5.2
export const InvalidRequest = errorClass('invalid_request', 400, 'request is invalid');
export const InvalidClient = errorClass('invalid_client', 401, 'client authentication failed');
export const InvalidGrant = errorClass('invalid_grant', 400, 'grant request is invalid');
export const UnauthorizedClient = errorClass('unauthorized_client', 400, 'client is not authorized for this');
export const UnsupportedGrantType = errorClass('unsupported_grant_type', 400, 'unsupported grant_type');
export const UnsupportedResponseType = errorClass('unsupported_response_type', 400, 'unsupported response_type');
export const InvalidScope = errorClass('invalid_scope', 400, 'requested scope is invalid');
export const AccessDenied = errorClass('access_denied', 400, 'access denied');
export const TemporarilyUnavailable = errorClass('temporarily_unavailable', 503, 'service temporarily unavailable');
// OIDC Core §3.1.2.6
export const LoginRequired = errorClass('login_required', 400, 'end-user authentication is required');
export const ConsentRequired = errorClass('consent_required', 400, 'end-user consent is required');
export const InteractionRequired = errorClass('interaction_required', 400, 'interaction is required');
export const InvalidRequestUri = errorClass('invalid_request_uri', 400, 'request_uri is invalid');
export const InvalidRequestObject = errorClass('invalid_request_object', 400, 'request object is invalid');
export const RequestNotSupported = errorClass('request_not_supported', 400, 'request parameter is not supported');
// RFC 6750
export const InvalidToken = errorClass('invalid_token', 401, 'invalid token provided');
export const InsufficientScope = errorClass('insufficient_scope', 403, 'token lacks the required scope');
// RFC 7591
export const InvalidRedirectUri = errorClass('invalid_redirect_uri', 400, 'redirect_uri is invalid');
export const InvalidClientMetadata = errorClass('invalid_client_metadata', 400, 'client metadata is invalid');
// RFC 7009 §2.2.1 (introspection uses it too, as oidc-provider does, for tokens it cannot look up)
export const UnsupportedTokenType = errorClass('unsupported_token_type', 400, 'token type is not supported');
// RFC 8707
export const InvalidTarget = errorClass('invalid_target', 400, 'resource indicator is invalid');
// RFC 8628
export const AuthorizationPending = errorClass('authorization_pending', 400, 'authorization request is still pending');
export const SlowDown = errorClass('slow_down', 400, 'polling too fast');
export const ExpiredToken = errorClass('expired_token', 400, 'device code has expired');

/** A not-exposed internal failure (a bug or an outage). Rendered as a bare `server_error`. */
export class ServerError extends OIDCError {
  constructor(description = 'internal server error') {
    super('server_error', description, 500, false);
  }
}

/** Every error code the provider itself produces; metrics map anything else to `other`. */
export const knownErrorCodes: ReadonlySet<string> = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'unsupported_response_type',
  'invalid_scope',
  'access_denied',
  'temporarily_unavailable',
  'login_required',
  'consent_required',
  'interaction_required',
  'invalid_request_uri',
  'invalid_request_object',
  'request_not_supported',
  'invalid_token',
  'insufficient_scope',
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_target',
  'unsupported_token_type',
  'authorization_pending',
  'slow_down',
  'expired_token',
  'server_error',
]);
