import { asymmetricAlgorithms, hmacAlgorithms, tokenEndpointAuthMethods } from '../clients/client.ts';
import type { ClientStore } from '../clients/client-store.ts';
import type { ProviderConfig } from '../config/options.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { clientAuthErrorHandler } from '../http/client-auth-error-handler.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { mountFormRoute, type FormRoute } from '../http/form-route.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { Clock } from '../time/clock.ts';
import { clientAuthSettings } from '../clients/authentication/authenticate-at.ts';
import { readPresentedTokenRequest } from '../tokens/presented-token-request.ts';
import { revokePresentedToken } from './revoke-token.ts';

/**
 * Token revocation (RFC 7009) at `POST /revoke`, mounted only when `features.revocation.enabled`. In order: form
 * parameters → client authentication → `token` present → structured (JWT) tokens refused with
 * `unsupported_token_type` (they are not stored, so they cannot be revoked) → look-up ordered by `token_type_hint` →
 * `revoke-token.ts` → 200 with an empty body, also for unknown, expired or already revoked tokens (§2.2: the client
 * cannot do anything about those). Errors emit `revocation.error`.
 */

export interface RevocationEndpointDeps {
  config: ProviderConfig;
  events: ProviderEmitter;
  clock: Clock;
  clients: ClientStore;
  models: ModelRepository;
}

export function revocationEndpoint(deps: RevocationEndpointDeps): Endpoint {
  const { config } = deps;
  // Built once, not per request.
  const requestDeps = {
    ...deps,
    ...clientAuthSettings(config),
  };

  const route: FormRoute = {
    path: paths.revocation,
    cors: false,
    noStore: false,
    async handle(req, res) {
      const { ctx, client, token } = await readPresentedTokenRequest(req, res, 'revocation', requestDeps);
      if (token) await revokePresentedToken(token, client, ctx, deps);
      res.status(200).set('Cache-Control', 'no-store').end();
    },
    onError: clientAuthErrorHandler(deps.events, 'revocation', config.issuer),
  };

  return {
    name: 'revocation',
    mount(router) {
      if (!config.features.revocation.enabled) return;
      mountFormRoute(router, route);
      router.use(paths.revocation, route.onError);
    },
    forms: config.features.revocation.enabled ? [route] : [],
    metadata: (current) =>
      current.features.revocation.enabled
        ? {
            revocation_endpoint: endpointUrl(current.issuer, paths.revocation),
            revocation_endpoint_auth_methods_supported: [...tokenEndpointAuthMethods],
            revocation_endpoint_auth_signing_alg_values_supported: [...hmacAlgorithms, ...asymmetricAlgorithms],
          }
        : {},
  };
}
