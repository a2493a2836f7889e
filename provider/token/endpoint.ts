import type { ErrorRequestHandler, Request, Response } from 'express';
import type { AccountStore } from '../accounts/account-store.ts';
import { asymmetricAlgorithms, hmacAlgorithms, tokenEndpointAuthMethods } from '../clients/client.ts';
import type { ClientStore } from '../clients/client-store.ts';
import { authenticateClient } from '../clients/authentication/authenticate.ts';
import { ClientAuthenticationError } from '../clients/authentication/errors.ts';
import type { ProviderConfig } from '../config/options.ts';
import { deviceCodeGrantType, grantTypeEnabled } from '../device/grant-type.ts';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../errors/oidc-error.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { contextOf } from '../http/context.ts';
import { publicCors } from '../http/cors.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { mountFormRoute, noStore, type FormRoute } from '../http/form-route.ts';
import { emitError, errorBody } from '../http/error-handler.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import { ModelRepository } from '../models/repository.ts';
import { clientAuthSettings } from '../clients/authentication/authenticate-at.ts';
import type { Storage } from '../storage/adapter.ts';
import type { Clock } from '../time/clock.ts';
import { authorizationCodeGrant } from './grants/authorization-code.ts';
import { deviceCodeGrant } from './grants/device-code.ts';
import { clientCredentialsGrant } from './grants/client-credentials.ts';
import type { GrantDeps, GrantHandler } from './grants/grant.ts';
import { refreshTokenGrant } from './grants/refresh-token.ts';
import { loggableTokenParams, readTokenParams } from './params.ts';

/**
 * The token endpoint (RFC 6749 §3.2, OIDC Core §3.1.3): POST a form, authenticate the client, run the grant type,
 * answer JSON that is never cached. In order: `no-store` headers → form parameters → `grant_type` supported →
 * client authentication → client allowed this grant → grant handler → `grant.success`. Errors: `grant.error` (or
 * `server_error`) and RFC 6749 §5.2 bodies; failed Basic authentication adds `WWW-Authenticate: Basic`.
 */

export interface TokenEndpointDeps {
  config: ProviderConfig;
  storage: Storage;
  events: ProviderEmitter;
  clock: Clock;
  keys: KeystoreHolder;
  accounts: AccountStore;
  clients: ClientStore;
}

/** Grant types served, by `grant_type` value. Other engineers' grants (device_code) join this table. */
export const grantHandlers: Readonly<Record<string, GrantHandler>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
  [deviceCodeGrantType]: deviceCodeGrant,
};

export function tokenEndpoint(deps: TokenEndpointDeps): Endpoint {
  const models = new ModelRepository(deps);
  const grantDeps: GrantDeps = { ...deps, models };
  const tokenUrl = endpointUrl(deps.config.issuer, paths.token);
  // Built once, not per request.
  const authDeps = {
    clients: deps.clients,
    models,
    clock: deps.clock,
    ...clientAuthSettings(deps.config),
    tokenEndpointUrl: tokenUrl,
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    const ctx = contextOf(req, res, 'token');
    if (!req.is('application/x-www-form-urlencoded')) {
      throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
    }
    const params = readTokenParams(req.body);
    ctx.oidc.params = loggableTokenParams(params);
    const grantType = params.grant_type;
    if (!grantType) throw new InvalidRequest('grant_type is required');
    const served = Object.hasOwn(grantHandlers, grantType) && grantTypeEnabled(deps.config, grantType);
    const handler = served ? grantHandlers[grantType] : undefined;
    if (!handler) throw new UnsupportedGrantType(`grant_type "${grantType}" is not supported`);
    ctx.oidc.grantType = grantType;

    const { client } = await authenticateClient(
      { authorization: req.get('authorization'), body: params, endpointUrl: tokenUrl },
      authDeps,
    );
    ctx.oidc.client = client.toJSON();
    if (!client.allowsGrantType(grantType)) {
      throw new UnauthorizedClient(`the client is not allowed the ${grantType} grant`);
    }
    const body = await handler({ client, params, ctx }, grantDeps);
    res.status(200).json(body);
    deps.events.emitSafely('grant.success', ctx);
  };

  const onError: ErrorRequestHandler = (error: unknown, req: Request, res: Response, _next) => {
    contextOf(req, res, 'token');
    const oidc = emitError(deps.events, 'grant', req, res, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (error instanceof ClientAuthenticationError && error.challenge) {
      res.set('WWW-Authenticate', `Basic realm="${deps.config.issuer}"`);
    }
    res.status(oidc.status).json(errorBody(oidc));
  };

  const route: FormRoute = { path: paths.token, cors: true, noStore: true, handle, onError };

  return {
    name: 'token',
    mount(router) {
      mountFormRoute(router, route);
      router.all(paths.token, publicCors(['POST']), noStore, (_req, _res, next) => {
        next(new InvalidRequest('the token endpoint accepts only POST'));
      });
      router.use(paths.token, onError);
    },
    forms: [route],
    metadata: (config) => ({
      token_endpoint: endpointUrl(config.issuer, paths.token),
      grant_types_supported: Object.keys(grantHandlers).filter((type) => grantTypeEnabled(config, type)),
      token_endpoint_auth_methods_supported: [...tokenEndpointAuthMethods],
      token_endpoint_auth_signing_alg_values_supported: [...hmacAlgorithms, ...asymmetricAlgorithms],
      code_challenge_methods_supported: ['S256'],
    }),
  };
}
