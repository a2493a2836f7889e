import { InvalidRequest } from '../errors/oidc-error.ts';

/**
 * The form of an introspection (RFC 7662 §2.1) or revocation (RFC 7009 §2.1) request: `token`, an optional
 * `token_type_hint`, and the client authentication parameters (RFC 6749 §2.3). A recognised parameter given twice is
 * `invalid_request`; unknown ones are ignored. Only `loggable` parameters reach `ctx.oidc.params`: never the token,
 * the secret or the assertion.
 */

const parameters = [
  'token',
  'token_type_hint',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
] as const;

export type TokenForm = Partial<Record<(typeof parameters)[number], string>>;

const loggable = new Set(['token_type_hint', 'client_id', 'client_assertion_type']);

export function readTokenForm(body: unknown, isForm: boolean): TokenForm {
  if (!isForm || typeof body !== 'object' || body === null) {
    throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  }
  const form: Partial<Record<(typeof parameters)[number], string>> = {};
  for (const name of parameters) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new InvalidRequest(`${name} must be given exactly once`);
    form[name] = value;
  }
  return form;
}

/** The `token` parameter; checked after client authentication, as oidc-provider does. */
export function requiredToken(form: TokenForm): string {
  if (!form.token) throw new InvalidRequest('token is required');
  return form.token;
}

/** The parameters safe to carry in the event context. */
export function loggableTokenForm(form: TokenForm): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([name]) => loggable.has(name)));
}
