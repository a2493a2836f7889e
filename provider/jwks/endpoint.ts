import type { ProviderEmitter } from '../events/events.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import { jsonErrorHandler } from '../http/error-handler.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';

/** The JWK Set (RFC 7517 §5): public parts of every published signing key, never a private member. */
export function jwksEndpoint(deps: { keys: KeystoreHolder; events: ProviderEmitter }): Endpoint {
  return {
    name: 'jwks',
    mount(router) {
      router.get(paths.jwks, (_req, res) => {
        res
          .type('application/jwk-set+json')
          .set('Cache-Control', 'public, max-age=300')
          .send(JSON.stringify(deps.keys.current.jwks));
      });
      router.use(paths.jwks, jsonErrorHandler(deps.events, 'jwks'));
    },
    metadata: (config) => ({ jwks_uri: endpointUrl(config.issuer, paths.jwks) }),
  };
}
