import type { ProviderConfig } from '../config/options.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { cachedDocument } from '../http/cached-document.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { publicCors } from '../http/cors.ts';
import { jsonErrorHandler } from '../http/error-handler.ts';
import { methodNotAllowed } from '../http/method-not-allowed.ts';
import { paths } from '../http/paths.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import { buildMetadata } from './metadata.ts';

/**
 * OpenID Connect Discovery 1.0 §4 and RFC 8414 §3: the same document at both well-known paths. Serialised once per
 * keystore (with its ETag), since it only changes when the keys do (`http/cached-document.ts`). Readable from any
 * origin (browser relying parties discover the provider); GET and HEAD are answered ahead of Express
 * (`http/lean-front.ts`) by the same handler as the route below; any other method is `discovery.error`.
 */
export function discoveryEndpoint(
  deps: { config: ProviderConfig; keys: KeystoreHolder; events: ProviderEmitter },
  endpoints: () => readonly Endpoint[],
): Endpoint {
  const handler = cachedDocument({
    version: () => deps.keys.current,
    build: () => buildMetadata(deps.config, deps.keys.current, endpoints()),
    type: 'application/json',
    cacheControl: 'public, max-age=300',
  });
  return {
    name: 'discovery',
    documents: [{ paths: [paths.discovery, paths.oauthMetadata], serve: handler }],
    mount(router) {
      const cors = publicCors(['GET', 'HEAD']);
      router.get([paths.discovery, paths.oauthMetadata], handler);
      router.all([paths.discovery, paths.oauthMetadata], cors, methodNotAllowed(['GET', 'HEAD']));
      router.use([paths.discovery, paths.oauthMetadata], jsonErrorHandler(deps.events, 'discovery'));
    },
  };
}
