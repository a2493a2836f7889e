import express, { type Express } from 'express';
import type { RequestListener } from 'node:http';
import type { AccountStore } from './accounts/account-store.ts';
import { authorizationEndpoint } from './authorization/endpoint.ts';
import type { ClientStore } from './clients/client-store.ts';
import type { ProviderConfig } from './config/options.ts';
import { deviceAuthorizationEndpoint } from './device/authorization-endpoint.ts';
import { deviceVerificationEndpoint } from './device/verification-endpoint.ts';
import { discoveryEndpoint } from './discovery/endpoint.ts';
import { endSessionEndpoint } from './end-session/endpoint.ts';
import type { ProviderEmitter } from './events/events.ts';
import { healthEndpoint } from './health/endpoint.ts';
import type { Endpoint } from './http/endpoint.ts';
import { jsonErrorHandler } from './http/error-handler.ts';
import { leanFront } from './http/lean-front.ts';
import { observeWhenFinished } from './http/request-observer.ts';
import { jwksEndpoint } from './jwks/endpoint.ts';
import type { KeystoreHolder } from './keys/keystore.ts';
import { introspectionEndpoint } from './introspection/endpoint.ts';
import { interactionsEndpoint } from './interactions/endpoint.ts';
import { createLoginThrottle, type LoginThrottle } from './interactions/login-throttle.ts';
import type { Logger } from './log/logger.ts';
import { ModelRepository } from './models/repository.ts';
import { pushedAuthorizationEndpoint } from './par/endpoint.ts';
import { registrationEndpoint } from './registration/endpoint.ts';
import { revocationEndpoint } from './revocation/endpoint.ts';
import { SessionService } from './sessions/session-service.ts';
import type { Storage } from './storage/adapter.ts';
import type { Clock } from './time/clock.ts';
import { tokenEndpoint } from './token/endpoint.ts';
import { userinfoEndpoint } from './userinfo/endpoint.ts';

/** What the app is built from; only the entry point (`server.ts`) opens connections and reads the environment. */
export interface ProviderDeps {
  storage: Storage;
  keys: KeystoreHolder;
  events: ProviderEmitter;
  clock: Clock;
  logger: Logger;
  /** End-users: login, and the claims of ID tokens and userinfo. */
  accounts: AccountStore;
  /** Static and registered clients. */
  clients: ClientStore;
  /**
   * Login rate limiting; by default built from `config.storage` (in process for memory storage; Redis storage must
   * pass one sharing its client, see `createLoginThrottle`).
   */
  loginThrottle?: LoginThrottle;
  /** Told of every finished request (metrics); `path` is relative to the issuer. */
  observeRequest?: (sample: RequestSample) => void;
  /** True once a graceful stop began (`RunningProvider.drain`): readiness answers 503. */
  draining?: () => boolean;
}

/** One finished HTTP request. */
export interface RequestSample {
  path: string;
  method: string;
  status: number;
  seconds: number;
}

/** The provider's HTTP surface, not listening. */
export interface ProviderHttp {
  /**
   * The request listener of the server: the lean front for the static documents and the plain form POSTs, then `app`
   * (`http/lean-front.ts`).
   */
  listener: RequestListener;
  /** The Express app alone, which answers every request, those of the lean front included (its reference). */
  app: Express;
}

/**
 * Builds the provider's HTTP surface without listening (tests listen on port 0). The endpoint table below is the whole
 * HTTP surface; discovery is derived from it.
 */
export function createApp(config: ProviderConfig, deps: ProviderDeps): ProviderHttp {
  const endpoints: Endpoint[] = [];
  endpoints.push(
    discoveryEndpoint({ config, keys: deps.keys, events: deps.events }, () => endpoints),
    jwksEndpoint(deps),
    healthEndpoint(deps),
    tokenEndpoint({ config, ...deps }),
    userinfoEndpoint({ config, ...deps }),
  );
  const models = new ModelRepository(deps);
  const sessions = new SessionService({ models, clock: deps.clock });
  const frontChannel = { config, ...deps, models };
  // One throttle for the login form and the device user-code form: both count failures per client address.
  const throttle = deps.loginThrottle ?? createLoginThrottle(config.storage);
  endpoints.push(
    authorizationEndpoint({ ...frontChannel, sessions }),
    pushedAuthorizationEndpoint(frontChannel),
    endSessionEndpoint({ ...frontChannel, sessions }),
    interactionsEndpoint({ ...frontChannel, sessions, throttle }),
    deviceAuthorizationEndpoint(frontChannel),
    deviceVerificationEndpoint({ ...frontChannel, sessions, throttle }),
    registrationEndpoint({ config, ...deps, models }),
    introspectionEndpoint({ config, ...deps, models }),
    revocationEndpoint({ config, ...deps, models }),
  );

  const app = express();
  app.disable('x-powered-by');
  // No per-response ETag: Express would hash every body (token responses included, which are no-store). The cacheable
  // documents (discovery, JWKS) carry a precomputed one (`http/cached-document.ts`).
  app.set('etag', false);
  // Only the configured proxies may say who the client is (`trustedProxies`): the rate limits count by that address.
  app.set('trust proxy', config.trustedProxies);
  app.set('query parser', 'simple');
  const issuerPath = new URL(config.issuer).pathname.replace(/\/$/, '');
  const { observeRequest } = deps;
  if (observeRequest) {
    app.use((req, res, next) => {
      const path = req.path.startsWith(issuerPath) ? req.path.slice(issuerPath.length) || '/' : req.path;
      observeWhenFinished(req, res, path, observeRequest);
      next();
    });
  }
  const router = express.Router();
  for (const endpoint of endpoints) endpoint.mount(router);
  app.use(issuerPath || '/', router);
  app.use((_req, res) => {
    res
      .status(404)
      .set('Cache-Control', 'no-store')
      .json({ error: 'not_found', error_description: 'no such endpoint' });
  });
  app.use(jsonErrorHandler(deps.events));
  const documents = endpoints.flatMap((endpoint) => endpoint.documents ?? []);
  const forms = endpoints.flatMap((endpoint) => endpoint.forms ?? []);
  return { listener: leanFront({ issuerPath, documents, forms, observe: observeRequest, app }), app };
}
