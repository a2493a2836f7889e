import { InvalidRequest } from '../errors/oidc-error.ts';

/**
 * Token endpoint parameters (RFC 6749 §3.2): a form-urlencoded POST body; a recognised parameter given twice is
 * refused (§3.2), unknown ones are ignored. Secrets in the body (code, verifier, tokens, client secret, assertion)
 * never reach `ctx.oidc.params`: only `loggable` ones do.
 */
export const tokenParameters = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'device_code',
  'refresh_token',
  'scope',
  'resource',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
] as const;

export type TokenParams = Partial<Record<(typeof tokenParameters)[number], string>>;

const loggable = new Set(['grant_type', 'redirect_uri', 'scope', 'resource', 'client_id', 'client_assertion_type']);

/** Single-valued recognised parameters of a parsed form body. */
export function readTokenParams(body: unknown): TokenParams {
  if (typeof body !== 'object' || body === null) {
    throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  }
  const params: TokenParams = {};
  for (const name of tokenParameters) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new InvalidRequest(`${name} must be given exactly once`);
    params[name] = value;
  }
  return params;
}

/** The parameters safe to carry in the event context. */
export function loggableTokenParams(params: TokenParams): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => loggable.has(name)));
}
