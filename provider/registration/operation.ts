/**
 * What every registration operation gets and gives: the parts of the HTTP request it reads and the response it
 * produces, so the operations (`create.ts`, `read.ts`, `update.ts`, `remove.ts`) know nothing of express.
 */
import type { ClientStore } from '../clients/client-store.ts';
import type { ProviderConfig } from '../config/options.ts';
import type { RequestContext } from '../events/context.ts';
import type { ProviderEmitter } from '../events/events.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { Clock } from '../time/clock.ts';

export interface RegistrationDeps {
  config: ProviderConfig;
  models: ModelRepository;
  clients: ClientStore;
  clock: Clock;
  events: ProviderEmitter;
}

export interface RegistrationRequest {
  ctx: RequestContext;
  /** The `Authorization` header. */
  authorization: string | undefined;
  /** Raw body bytes when sent as `application/json` (POST, PUT); parsed by the operation after authentication. */
  body: unknown;
  /** Whether the body was sent as `application/json`. */
  bodyIsJson: boolean;
  /** The `:clientId` of the client configuration endpoint (GET, PUT, DELETE). */
  clientId?: string;
}

export interface RegistrationResponse {
  status: 200 | 201 | 204;
  body?: Record<string, unknown>;
}

export type RegistrationOperation = (
  request: RegistrationRequest,
  deps: RegistrationDeps,
) => Promise<RegistrationResponse>;

/**
 * Lifetime of a registered client's record and its registration access token: registered clients do not expire
 * (`client_secret_expires_at: 0`), but every stored key has a TTL (DESIGN.md), so this is a century.
 */
export const REGISTERED_CLIENT_LIFETIME = 100 * 365 * 24 * 3600;
