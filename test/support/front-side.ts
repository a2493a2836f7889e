import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RecordAccountStore } from '../../provider/accounts/file-store.ts';
import { createApp, type RequestSample } from '../../provider/app.ts';
import { ConfiguredClientStore, loadStaticClients, metadataContext } from '../../provider/clients/client-store.ts';
import type { ProviderConfig } from '../../provider/config/options.ts';
import { eventNames, ProviderEmitter } from '../../provider/events/events.ts';
import type { KeystoreHolder } from '../../provider/keys/keystore.ts';
import { createLogger } from '../../provider/log/logger.ts';
import type { Storage } from '../../provider/storage/adapter.ts';
import { systemClock } from '../../provider/time/clock.ts';

/**
 * One side of the front-equivalence tests (test/http/lean-front.test.ts, test/http/form-front.test.ts): the provider's
 * HTTP listener (the fronts, then Express) or the Express app alone, listening on a loopback port, recording the request
 * samples it observes (metrics, access log), every event as `record` makes it, and how many requests reached Express.
 */
export interface FrontSide<E> {
  server: Server;
  port: number;
  samples: Omit<RequestSample, 'seconds'>[];
  events: E[];
  /** Requests that reached Express (`app.handle`, which the Express app calls for every request it is given). */
  expressRequests: number;
  /** The side's event emitter (e.g. for a model repository that seeds records through it). */
  emitter: ProviderEmitter;
}

export async function startFrontSide<E>(options: {
  config: ProviderConfig;
  keys: KeystoreHolder;
  storage: Storage;
  pick: 'listener' | 'app';
  record: (name: string, args: unknown[]) => E;
}): Promise<FrontSide<E>> {
  const { config, keys, storage, pick, record } = options;
  const emitter = new ProviderEmitter();
  const side: FrontSide<E> = {
    server: undefined as unknown as Server,
    port: 0,
    samples: [],
    events: [],
    expressRequests: 0,
    emitter,
  };
  for (const name of eventNames) {
    emitter.on(name, (...args: unknown[]) => {
      side.events.push(record(name, args));
    });
  }
  const http = createApp(config, {
    storage,
    keys,
    events: emitter,
    clock: systemClock,
    logger: createLogger('silent'),
    accounts: await RecordAccountStore.create(config.accounts, () => Promise.reject(new Error('no file'))),
    clients: new ConfiguredClientStore(
      loadStaticClients(config.clients, metadataContext(config)),
      storage.adapter('Client'),
    ),
    observeRequest: ({ path, method, status }) => {
      side.samples.push({ path, method, status });
    },
  });
  const app = http.app as unknown as { handle: (...args: unknown[]) => unknown };
  const handle = app.handle.bind(app);
  app.handle = (...args) => {
    side.expressRequests += 1;
    return handle(...args);
  };
  side.server = createServer(pick === 'listener' ? http.listener : (http.app as RequestListener));
  side.server.listen(0, '127.0.0.1');
  await once(side.server, 'listening');
  side.port = (side.server.address() as AddressInfo).port;
  return side;
}
