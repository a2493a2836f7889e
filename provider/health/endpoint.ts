import type { Endpoint } from '../http/endpoint.ts';
import { paths } from '../http/paths.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import type { Storage } from '../storage/adapter.ts';

/**
 * `/healthz/live`: the process answers. `/healthz/ready`: storage answers within a second, keys are loaded and no
 * graceful stop has begun; the readiness probe takes a replica out of the Service while Redis is unreachable and while
 * it drains after SIGTERM (`shutdownDelaySeconds`).
 */
export function healthEndpoint(deps: { storage: Storage; keys: KeystoreHolder; draining?: () => boolean }): Endpoint {
  return {
    name: 'health',
    mount(router) {
      router.get(paths.live, (_req, res) => {
        res.json({ status: 'ok' });
      });
      router.get(paths.ready, async (_req, res) => {
        const checks: Record<string, string> = {};
        try {
          await Promise.race([
            deps.storage.ping(),
            new Promise((_resolve, reject) =>
              setTimeout(() => {
                reject(new Error('timeout'));
              }, 1000).unref(),
            ),
          ]);
          checks.storage = 'ok';
        } catch {
          checks.storage = 'unavailable';
        }
        checks.keys = deps.keys.current.algorithms.length > 0 ? 'ok' : 'missing';
        if (deps.draining?.() === true) checks.shutdown = 'draining';
        const ready = Object.values(checks).every((value) => value === 'ok');
        res
          .status(ready ? 200 : 503)
          .set('Cache-Control', 'no-store')
          .json({ status: ready ? 'ok' : 'unavailable', checks });
      });
    },
  };
}
