import type { Client } from '../clients/client.ts';
import type { ClientStore } from '../clients/client-store.ts';
import type { ProviderConfig } from '../config/options.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';

/**
 * A logout request as the checks resolve it. Starts with the raw input (query, form body or the confirmation form);
 * each check reads what earlier ones established and adds its part. No HTTP here, so checks are plain functions.
 */
export interface EndSessionRequest {
  /** As parsed: a string, or an array when repeated. */
  readonly input: Readonly<Record<string, unknown>>;
  /** Recognised parameters, single-valued. */
  params: Partial<Record<string, string>>;
  /** The client, when `id_token_hint` or `client_id` identified one. */
  client?: Client;
  /** What a valid `id_token_hint` said. */
  idTokenHint?: { sub: string; sid?: string };
  /**
   * The post-logout redirect URI, only once it exactly matched one the identified client registered; the provider
   * redirects to nothing else.
   */
  postLogoutRedirectUri?: string;
}

/** What checks may consult. */
export interface EndSessionCheckDeps {
  config: ProviderConfig;
  clients: ClientStore;
  keys: KeystoreHolder;
}

/** One check of a logout request: throws an OIDCError or records what it established. */
export type EndSessionCheck = (request: EndSessionRequest, deps: EndSessionCheckDeps) => void | Promise<void>;

/** A request before any check. */
export function newEndSessionRequest(input: Readonly<Record<string, unknown>>): EndSessionRequest {
  return { input, params: {} };
}
