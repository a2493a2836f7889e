import type { AccountStore } from '../accounts/account-store.ts';
import { asymmetricAlgorithms, hmacAlgorithms, tokenEndpointAuthMethods } from '../clients/client.ts';
import type { ClientStore } from '../clients/client-store.ts';
import type { ProviderConfig } from '../config/options.ts';
import type { ProviderEmitter } from '../events/events.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { mountFormRoute, type FormRoute } from '../http/form-route.ts';
import { clientAuthErrorHandler } from '../http/client-auth-error-handler.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { Clock } from '../time/clock.ts';
import { clientAuthSettings } from '../clients/authentication/authenticate-at.ts';
import { readPresentedTokenRequest } from '../tokens/presented-token-request.ts';
import { activeTokenClaims } from './active.ts';
import { mayIntrospect } from './policy.ts';

/**
 * Token introspection (RFC 7662) at `POST /introspect`, mounted only when `features.introspection.enabled`. In order:
 * `no-store` → form parameters → client authentication (every method the token endpoint accepts) → `token` present →
 * structured (JWT) tokens refused with `unsupported_token_type`, as oidc-provider does (they are not stored) → look-up
 * ordered by `token_type_hint` → active? (`active.ts`) → may this client see it? (`policy.ts`) → 200
 * `{ active: true, … }` or `{ active: false }` and nothing else. Errors emit `introspection.error`; failed Basic
 * authentication adds `WWW-Authenticate: Basic`.
 */

export interface IntrospectionEndpointDeps {
  config: ProviderConfig;
  events: ProviderEmitter;
  clock: Clock;
  clients: ClientStore;
  accounts: AccountStore;
  models: ModelRepository;
}

export function introspectionEndpoint(deps: IntrospectionEndpointDeps): Endpoint {
  const { config } = deps;
  // Built once, not per request.
  const requestDeps = {
    ...deps,
    ...clientAuthSettings(config),
  };

  const route: FormRoute = {
    path: paths.introspection,
    cors: false,
    noStore: true,
    async handle(req, res) {
      const { client, token } = await readPresentedTokenRequest(req, res, 'introspection', requestDeps);
      const active =
        token && mayIntrospect(client, token, config.features.introspection.allowedClients ?? [])
          ? await activeTokenClaims(token, { ...deps, issuer: config.issuer })
          : undefined;
      res.status(200).json(active ? active.claims : { active: false });
    },
    onError: clientAuthErrorHandler(deps.events, 'introspection', config.issuer),
  };

  return {
    name: 'introspection',
    mount(router) {
      if (!config.features.introspection.enabled) return;
      mountFormRoute(router, route);
      router.use(paths.introspection, route.onError);
    },
    forms: config.features.introspection.enabled ? [route] : [],
    metadata: (current) =>
      current.features.introspection.enabled
        ? {
            introspection_endpoint: endpointUrl(current.issuer, paths.introspection),
            introspection_endpoint_auth_methods_supported: [...tokenEndpointAuthMethods],
            introspection_endpoint_auth_signing_alg_values_supported: [...hmacAlgorithms, ...asymmetricAlgorithms],
          }
        : {},
  };
}
