/**
 * The authorization request parameters the provider recognises (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636,
 * RFC 8707, OAuth 2.0 Multiple Response Types). Only these are read, checked for duplicates and kept with an
 * interaction; any other parameter is ignored (RFC 6749 §3.1).
 */
export const authorizationParameters = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'prompt',
  'max_age',
  'login_hint',
  'id_token_hint',
  'acr_values',
  'claims',
  'claims_locales',
  'ui_locales',
  'display',
  'code_challenge',
  'code_challenge_method',
  'resource',
  'request',
  'request_uri',
  'registration',
] as const;

export type AuthorizationParameter = (typeof authorizationParameters)[number];

/** Recognised parameters with their single string value. */
export type AuthorizationParams = Partial<Record<AuthorizationParameter, string>>;

/** Parameters never copied into event contexts: they carry tokens or are large opaque objects. */
export const unloggedParameters: ReadonlySet<AuthorizationParameter> = new Set([
  'id_token_hint',
  'request',
  'claims',
  'registration',
]);

/** Request parameters as the body/query parser gave them: a string, or an array when repeated. */
export type RawParameters = Readonly<Record<string, unknown>>;

/** Parameters for the event context (`ctx.oidc.params`): recognised, without the unlogged ones. */
export function loggableParams(params: AuthorizationParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of authorizationParameters) {
    const value = params[name];
    if (value !== undefined && !unloggedParameters.has(name)) out[name] = value;
  }
  return out;
}
