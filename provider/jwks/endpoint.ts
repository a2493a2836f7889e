import type { ProviderEmitter } from '../events/events.ts';
import { cachedDocument } from '../http/cached-document.ts';
import { publicCors } from '../http/cors.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import { jsonErrorHandler } from '../http/error-handler.ts';
import { methodNotAllowed } from '../http/method-not-allowed.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';

/**
 * The JWK Set (RFC 7517 §5): public parts of every published signing key, never a private member. Readable from any
 * origin (browser relying parties verify ID tokens with it); any method but GET/HEAD is `jwks.error`. Serialised once
 * per keystore, with its ETag (`http/cached-document.ts`); GET and HEAD are answered ahead of Express
 * (`http/lean-front.ts`) by the same handler as the route below.
 */
export function jwksEndpoint(deps: { keys: KeystoreHolder; events: ProviderEmitter }): Endpoint {
  const cors = publicCors(['GET', 'HEAD']);
  const handler = cachedDocument({
    version: () => deps.keys.current,
    build: () => deps.keys.current.jwks,
    type: 'application/jwk-set+json',
    cacheControl: 'public, max-age=300',
  });
  return {
    name: 'jwks',
    documents: [{ paths: [paths.jwks], serve: handler }],
    mount(router) {
      router.get(paths.jwks, handler);
      router.all(paths.jwks, cors, methodNotAllowed(['GET', 'HEAD']));
      router.use(paths.jwks, jsonErrorHandler(deps.events, 'jwks'));
    },
    metadata: (config) => ({ jwks_uri: endpointUrl(config.issuer, paths.jwks) }),
  };
}
