/**
 * The parameters of an RP-initiated logout request (OIDC RP-Initiated Logout 1.0 §2) and of the confirmation form the
 * provider renders. Only these are read and checked for duplicates; anything else is ignored.
 */
export const endSessionParameters = [
  'id_token_hint',
  'client_id',
  'post_logout_redirect_uri',
  'state',
  'ui_locales',
  'logout_hint',
] as const;

export type EndSessionParameter = (typeof endSessionParameters)[number];
export type EndSessionParams = Partial<Record<EndSessionParameter, string>>;

/**
 * Fields of the confirmation form: the CSRF token, which button was pressed, and the request's already validated
 * client, URI and state (checked again on submission: the browser may have changed them).
 */
export const confirmParameters = ['csrf', 'logout', 'stay', 'client_id', 'post_logout_redirect_uri', 'state'] as const;

/**
 * Parameters never copied into event contexts: `id_token_hint` is a token, `logout_hint` identifies the end-user and
 * `csrf` is a secret of the form.
 */
const unlogged: ReadonlySet<string> = new Set(['id_token_hint', 'logout_hint', 'csrf']);

/** Parameters for `ctx.oidc.params`, without the unlogged ones. */
export function loggableEndSessionParams(params: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && !unlogged.has(name)) out[name] = value;
  }
  return out;
}
