import type { AccountStore } from '../../accounts/account-store.ts';
import type { Client } from '../../clients/client.ts';
import type { ProviderConfig } from '../../config/options.ts';
import type { RequestContext } from '../../events/context.ts';
import type { ProviderEmitter } from '../../events/events.ts';
import type { KeystoreHolder } from '../../keys/keystore.ts';
import type { ModelRepository } from '../../models/repository.ts';
import type { Clock } from '../../time/clock.ts';

/**
 * A grant type of the token endpoint: a function of the authenticated client and the request parameters that returns
 * the token response (RFC 6749 §5.1) or throws an OIDCError. No HTTP here.
 */

export interface GrantDeps {
  config: ProviderConfig;
  models: ModelRepository;
  accounts: AccountStore;
  keys: KeystoreHolder;
  clock: Clock;
  events: ProviderEmitter;
}

export interface GrantRequest {
  client: Client;
  /** Single-valued form parameters. */
  params: Readonly<Partial<Record<string, string>>>;
  /** The request context (for events such as `grant.revoked`). */
  ctx: RequestContext;
}

/** RFC 6749 §5.1 (and OIDC Core §3.1.3.3 `id_token`). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

export type GrantHandler = (request: GrantRequest, deps: GrantDeps) => Promise<TokenResponse>;
