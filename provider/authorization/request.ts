import type { ClaimsParameter } from '../accounts/claims.ts';
import type { Client } from '../clients/client.ts';
import type { ClientStore } from '../clients/client-store.ts';
import type { ProviderConfig } from '../config/options.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import type { Clock } from '../time/clock.ts';
import type { AuthorizationParams, RawParameters } from './parameters.ts';

/** Response modes of the authorization endpoint (OAuth 2.0 Multiple Response Types, Form Post Response Mode). */
export const responseModes = ['query', 'fragment', 'form_post'] as const;
export type ResponseMode = (typeof responseModes)[number];

export type PromptValue = 'none' | 'login' | 'consent';

/**
 * An authorization request as the checks resolve it, step by step. Starts with only the raw input; each check reads
 * what earlier checks established and adds its own part. Nothing here knows of HTTP, so checks are tested as plain
 * functions.
 */
export interface AuthorizationRequest {
  /** Query (GET) or form body (POST), as parsed. */
  readonly input: RawParameters;
  /** Recognised parameters, single-valued (after the duplicate check). */
  params: AuthorizationParams;
  /** The client, once `client_id` is known. */
  client?: Client;
  /**
   * The redirect URI, once it exactly matched one the client registered. From then on errors are sent to the client
   * (RFC 6749 §4.1.2.1); before, they are shown on an error page, never redirected.
   */
  redirectUri?: string;
  /** How responses (and redirected errors) are delivered; `query` until `response_mode` is checked. */
  responseMode: ResponseMode;
  responseType?: 'code' | 'none';
  /** Requested scopes the provider supports, in request order. */
  scopes: string[];
  prompts: ReadonlySet<PromptValue>;
  /** `max_age` in seconds. */
  maxAge?: number;
  /** Parsed `claims` parameter. */
  claims?: ClaimsParameter;
  /** What a valid `id_token_hint` says. */
  idTokenHint?: { sub: string };
  /** The end-user the `claims` parameter names (`sub` requested with a value, OIDC Core §5.5.1). */
  requestedSub?: string;
  /**
   * Whether the parameters came through a pushed authorization request (RFC 9126): true for `/par` and a resolved
   * `request_uri`, false for a plain request to the authorization endpoint, undefined when stored parameters that
   * were admitted once already are checked again (interaction resume).
   */
  pushed?: boolean;
}

/** A request before any check. */
export function newAuthorizationRequest(input: RawParameters, pushed?: boolean): AuthorizationRequest {
  const request: AuthorizationRequest = { input, params: {}, responseMode: 'query', scopes: [], prompts: new Set() };
  if (pushed !== undefined) request.pushed = pushed;
  return request;
}

/** What checks may consult. */
export interface CheckDeps {
  config: ProviderConfig;
  clients: ClientStore;
  keys: KeystoreHolder;
  clock: Clock;
}

/** One check of the authorization request: throws an OIDCError or records what it established. */
export type AuthorizationCheck = (request: AuthorizationRequest, deps: CheckDeps) => void | Promise<void>;
