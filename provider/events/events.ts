import { EventEmitter } from 'node:events';
import type { OIDCError } from '../errors/oidc-error.ts';
import type {
  AccessToken,
  AuthorizationCode,
  ClientCredentials,
  DeviceCode,
  InitialAccessToken,
  Interaction,
  Prompt,
  PushedAuthorizationRequest,
  RefreshToken,
  RegistrationAccessToken,
  ReplayDetection,
  Session,
} from '../models/types.ts';
import type { RequestContext } from './context.ts';

/** A client as events carry it. */
export interface EventClient {
  clientId: string;
  metadata: Record<string, unknown>;
}

type Ctx = RequestContext;
type HandledError = OIDCError;

/**
 * The provider's events (EVENTS.md, the contract): name → listener arguments. `docs/events.md` keeps the same table.
 * Metrics, logs and the event stream listen to these; nothing else reaches into endpoint code.
 */
export interface ProviderEvents {
  'access_token.destroyed': [token: AccessToken];
  'access_token.saved': [token: AccessToken];
  'access_token.issued': [token: AccessToken];
  'authorization_code.consumed': [code: AuthorizationCode];
  'authorization_code.destroyed': [code: AuthorizationCode];
  'authorization_code.saved': [code: AuthorizationCode];
  'authorization.accepted': [ctx: Ctx];
  'authorization.error': [ctx: Ctx, error: HandledError];
  'authorization.success': [ctx: Ctx];
  'backchannel.error': [ctx: Ctx, error: Error, client: EventClient, accountId: string, sid: string];
  'backchannel.success': [ctx: Ctx, client: EventClient, accountId: string, sid: string];
  'jwks.error': [ctx: Ctx, error: HandledError];
  'client_credentials.destroyed': [token: ClientCredentials];
  'client_credentials.saved': [token: ClientCredentials];
  'client_credentials.issued': [token: ClientCredentials];
  'device_code.consumed': [code: DeviceCode];
  'device_code.destroyed': [code: DeviceCode];
  'device_code.saved': [code: DeviceCode];
  'discovery.error': [ctx: Ctx, error: HandledError];
  'end_session.error': [ctx: Ctx, error: HandledError];
  'end_session.success': [ctx: Ctx];
  'grant.error': [ctx: Ctx, error: HandledError];
  'grant.revoked': [ctx: Ctx, grantId: string];
  'grant.success': [ctx: Ctx];
  'initial_access_token.destroyed': [token: InitialAccessToken];
  'initial_access_token.saved': [token: InitialAccessToken];
  'interaction.destroyed': [interaction: Interaction];
  'interaction.ended': [ctx: Ctx];
  'interaction.saved': [interaction: Interaction];
  'interaction.started': [ctx: Ctx, prompt: Prompt];
  'introspection.error': [ctx: Ctx, error: HandledError];
  'replay_detection.destroyed': [token: ReplayDetection];
  'replay_detection.saved': [token: ReplayDetection];
  'pushed_authorization_request.error': [ctx: Ctx, error: HandledError];
  'pushed_authorization_request.success': [ctx: Ctx, client: EventClient];
  'pushed_authorization_request.destroyed': [token: PushedAuthorizationRequest];
  'pushed_authorization_request.saved': [token: PushedAuthorizationRequest];
  'refresh_token.consumed': [token: RefreshToken];
  'refresh_token.destroyed': [token: RefreshToken];
  'refresh_token.saved': [token: RefreshToken];
  'registration_access_token.destroyed': [token: RegistrationAccessToken];
  'registration_access_token.saved': [token: RegistrationAccessToken];
  'registration_create.error': [ctx: Ctx, error: HandledError];
  'registration_create.success': [ctx: Ctx, client: EventClient];
  'registration_delete.error': [ctx: Ctx, error: HandledError];
  'registration_delete.success': [ctx: Ctx, client: EventClient];
  'registration_read.error': [ctx: Ctx, error: HandledError];
  'registration_update.error': [ctx: Ctx, error: HandledError];
  'registration_update.success': [ctx: Ctx, client: EventClient];
  'revocation.error': [ctx: Ctx, error: HandledError];
  server_error: [ctx: Ctx, error: Error];
  'session.destroyed': [session: Session];
  'session.saved': [session: Session];
  'userinfo.error': [ctx: Ctx, error: HandledError];
}

export type EventName = keyof ProviderEvents;

/** Every event name, in EVENTS.md order (54). */
export const eventNames = [
  'access_token.destroyed',
  'access_token.saved',
  'access_token.issued',
  'authorization_code.consumed',
  'authorization_code.destroyed',
  'authorization_code.saved',
  'authorization.accepted',
  'authorization.error',
  'authorization.success',
  'backchannel.error',
  'backchannel.success',
  'jwks.error',
  'client_credentials.destroyed',
  'client_credentials.saved',
  'client_credentials.issued',
  'device_code.consumed',
  'device_code.destroyed',
  'device_code.saved',
  'discovery.error',
  'end_session.error',
  'end_session.success',
  'grant.error',
  'grant.revoked',
  'grant.success',
  'initial_access_token.destroyed',
  'initial_access_token.saved',
  'interaction.destroyed',
  'interaction.ended',
  'interaction.saved',
  'interaction.started',
  'introspection.error',
  'replay_detection.destroyed',
  'replay_detection.saved',
  'pushed_authorization_request.error',
  'pushed_authorization_request.success',
  'pushed_authorization_request.destroyed',
  'pushed_authorization_request.saved',
  'refresh_token.consumed',
  'refresh_token.destroyed',
  'refresh_token.saved',
  'registration_access_token.destroyed',
  'registration_access_token.saved',
  'registration_create.error',
  'registration_create.success',
  'registration_delete.error',
  'registration_delete.success',
  'registration_read.error',
  'registration_update.error',
  'registration_update.success',
  'revocation.error',
  'server_error',
  'session.destroyed',
  'session.saved',
  'userinfo.error',
] as const satisfies readonly EventName[];

/**
 * The provider's event emitter. A listener that throws must not break a request, so `emitSafely` isolates listeners;
 * their failures go to `onListenerError`.
 */
export class ProviderEmitter extends EventEmitter<ProviderEvents> {
  onListenerError: (event: EventName, error: unknown) => void = () => undefined;

  /** Emits to every listener; a listener's exception is reported, never thrown into the endpoint. */
  emitSafely<E extends EventName>(event: E, ...args: ProviderEvents[E]): void {
    for (const listener of this.rawListeners(event) as ((...a: ProviderEvents[E]) => unknown)[]) {
      try {
        const result = listener(...args);
        if (result instanceof Promise)
          result.catch((error: unknown) => {
            this.onListenerError(event, error);
          });
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }
}
