import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { ClientStore } from '../clients/client-store.ts';
import type { ProviderConfig } from '../config/options.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { contextOf } from '../http/context.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { emitError, errorBody, type ErrorRoute } from '../http/error-handler.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { Clock } from '../time/clock.ts';
import { createClient } from './create.ts';
import type { RegistrationDeps, RegistrationOperation } from './operation.ts';
import { readClient } from './read.ts';
import { deleteClient } from './remove.ts';
import { updateClient } from './update.ts';

/**
 * Dynamic client registration (RFC 7591) at `POST /register` and client management (RFC 7592) at
 * `GET|PUT|DELETE /register/:clientId`, mounted only when `features.registration.enabled`. JSON in and out, never
 * cached. Errors are JSON (`invalid_client_metadata`, `invalid_redirect_uri`, `invalid_request`, 401 `invalid_token`
 * with `WWW-Authenticate: Bearer`) and emit `registration_create|read|update|delete.error` by method.
 * docs/registration.md is the guide.
 */

export interface RegistrationEndpointDeps {
  config: ProviderConfig;
  events: ProviderEmitter;
  clock: Clock;
  clients: ClientStore;
  models: ModelRepository;
}

const routeOf: Record<string, ErrorRoute> = {
  POST: 'registration_create',
  GET: 'registration_read',
  PUT: 'registration_update',
  DELETE: 'registration_delete',
};

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, "'")}"`;
}

export function registrationEndpoint(deps: RegistrationEndpointDeps): Endpoint {
  const operationDeps: RegistrationDeps = deps;
  const realm = `realm=${quoted(deps.config.issuer)}`;

  const run =
    (operation: RegistrationOperation): RequestHandler =>
    async (req, res) => {
      res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
      const ctx = contextOf(req, res, 'registration');
      const clientId = (req.params as Partial<Record<string, string>>).clientId;
      const result = await operation(
        {
          ctx,
          authorization: req.get('authorization'),
          body: req.body as unknown,
          bodyIsJson: Boolean(req.is('application/json')),
          ...(clientId === undefined ? {} : { clientId }),
        },
        operationDeps,
      );
      if (result.body === undefined) res.status(result.status).end();
      else res.status(result.status).json(result.body);
    };

  const onError: ErrorRequestHandler = (error: unknown, req: Request, res: Response, _next) => {
    contextOf(req, res, 'registration');
    const oidc = emitError(deps.events, routeOf[req.method], req, res, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (oidc.status === 401) {
      const challenge = [`Bearer ${realm}`, `error=${quoted(oidc.error)}`];
      if (oidc.expose) challenge.push(`error_description=${quoted(oidc.errorDescription)}`);
      res.set('WWW-Authenticate', challenge.join(', '));
    }
    res.status(oidc.status).json(errorBody(oidc));
  };

  return {
    name: 'registration',
    mount(router) {
      if (!deps.config.features.registration.enabled) return;
      // Raw bytes: the operations parse JSON only after checking the bearer token (`request-metadata.ts`).
      const json = express.raw({ type: 'application/json', limit: '64kb' });
      const clientPath = `${paths.registration}/:clientId`;
      router.post(paths.registration, json, run(createClient));
      router.get(clientPath, run(readClient));
      router.put(clientPath, json, run(updateClient));
      router.delete(clientPath, run(deleteClient));
      router.use(paths.registration, onError);
    },
    metadata: (config) =>
      config.features.registration.enabled
        ? { registration_endpoint: endpointUrl(config.issuer, paths.registration) }
        : {},
  };
}
