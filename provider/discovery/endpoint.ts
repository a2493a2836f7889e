import type { Response } from 'express';
import type { ProviderConfig } from '../config/options.ts';
import type { ProviderEmitter } from '../events/events.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { publicCors } from '../http/cors.ts';
import { jsonErrorHandler } from '../http/error-handler.ts';
import { methodNotAllowed } from '../http/method-not-allowed.ts';
import { paths } from '../http/paths.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import { buildMetadata } from './metadata.ts';

/**
 * OpenID Connect Discovery 1.0 §4 and RFC 8414 §3: the same document at both well-known paths. Cached per keystore,
 * since it only changes when the keys do. Readable from any origin (browser relying parties discover the provider);
 * any method but GET/HEAD is `discovery.error`.
 */
export function discoveryEndpoint(
  deps: { config: ProviderConfig; keys: KeystoreHolder; events: ProviderEmitter },
  endpoints: () => readonly Endpoint[],
): Endpoint {
  let cache: { keystore: unknown; body: string } | undefined;
  return {
    name: 'discovery',
    mount(router) {
      const handler = (_req: unknown, res: Response): void => {
        const keystore = deps.keys.current;
        if (cache?.keystore !== keystore) {
          cache = { keystore, body: JSON.stringify(buildMetadata(deps.config, keystore, endpoints())) };
        }
        res.type('application/json').set('Cache-Control', 'public, max-age=300').send(cache.body);
      };
      const cors = publicCors(['GET', 'HEAD']);
      router.get([paths.discovery, paths.oauthMetadata], cors, handler);
      router.all([paths.discovery, paths.oauthMetadata], cors, methodNotAllowed(['GET', 'HEAD']));
      router.use([paths.discovery, paths.oauthMetadata], jsonErrorHandler(deps.events, 'discovery'));
    },
  };
}
