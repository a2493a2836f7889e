import express, { type RequestHandler } from 'express';
import { checkAuthorizationRequest } from '../authorization/check-request.ts';
import { loggableParams } from '../authorization/parameters.ts';
import type { CheckDeps } from '../authorization/request.ts';
import { authenticateAt, clientAuthSettings } from '../clients/authentication/authenticate-at.ts';
import { InvalidRequest } from '../errors/oidc-error.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { clientAuthErrorHandler } from '../http/client-auth-error-handler.ts';
import { contextOf } from '../http/context.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import { secretId } from '../models/ids.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { PushedAuthorizationRequest } from '../models/types.ts';
import { epochSeconds } from '../time/clock.ts';
import { requestUriFor } from './request-uri.ts';

/**
 * Pushed authorization requests (RFC 9126) at `POST /par`, mounted only when `features.pushedAuthorizationRequests`
 * is enabled. In order: `no-store` → form body → client authentication (every method of the token endpoint, `none`
 * for public clients) → no `request_uri` among the pushed parameters (§2.1) → the authorization endpoint's own checks
 * on the pushed parameters, so a bad request fails here as JSON 400 (§2.3) rather than later in the browser → store
 * the validated parameters (TTL `ttl.pushedAuthorizationRequest`) → 201 `{ request_uri, expires_in }` and
 * `pushed_authorization_request.success`. Errors emit `pushed_authorization_request.error`.
 */

export interface ParEndpointDeps extends CheckDeps {
  events: ProviderEmitter;
  models: ModelRepository;
}

/** Client authentication parameters: they authenticate the push and are never part of the stored request. */
const authParameters: ReadonlySet<string> = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

function singleValues(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') out[name] = value;
  return out;
}

export function pushedAuthorizationEndpoint(deps: ParEndpointDeps): Endpoint {
  const { config } = deps;
  // Built once, not per request.
  const authDeps = {
    ...deps,
    ...clientAuthSettings(config),
  };

  const handle: RequestHandler = async (req, res) => {
    const ctx = contextOf(req, res, 'pushed_authorization_request');
    if (!req.is('application/x-www-form-urlencoded')) {
      throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { client } = await authenticateAt(
      paths.pushedAuthorization,
      { authorization: req.get('authorization'), body: singleValues(body) },
      authDeps,
    );
    ctx.oidc.client = client.toJSON();
    if (body.request_uri !== undefined) throw new InvalidRequest("'request_uri' must not be pushed (RFC 9126 §2.1)");
    if (body.client_id !== undefined && body.client_id !== client.clientId) {
      throw new InvalidRequest('client_id does not match the authenticated client');
    }
    const input = Object.fromEntries(Object.entries(body).filter(([name]) => !authParameters.has(name)));
    input.client_id = client.clientId;
    const request = await checkAuthorizationRequest(input, deps, undefined, { pushed: true });
    ctx.oidc.params = loggableParams(request.params);

    const now = epochSeconds(deps.clock);
    const expiresIn = config.ttl.pushedAuthorizationRequest;
    const record: PushedAuthorizationRequest = {
      jti: secretId(),
      kind: 'PushedAuthorizationRequest',
      iat: now,
      exp: now + expiresIn,
      clientId: client.clientId,
      params: { ...request.params },
    };
    await deps.models.save(record);
    res.status(201).json({ request_uri: requestUriFor(record.jti), expires_in: expiresIn });
    deps.events.emitSafely('pushed_authorization_request.success', ctx, client.toJSON());
  };

  const noStore: RequestHandler = (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    next();
  };

  return {
    name: 'pushed_authorization_request',
    mount(router) {
      if (!config.features.pushedAuthorizationRequests.enabled) return;
      const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
      router.post(paths.pushedAuthorization, noStore, form, handle);
      router.all(paths.pushedAuthorization, noStore, (_req, _res, next) => {
        next(new InvalidRequest('the pushed authorization request endpoint accepts only POST'));
      });
      router.use(
        paths.pushedAuthorization,
        clientAuthErrorHandler(deps.events, 'pushed_authorization_request', config.issuer),
      );
    },
    metadata: (current) =>
      current.features.pushedAuthorizationRequests.enabled
        ? {
            pushed_authorization_request_endpoint: endpointUrl(current.issuer, paths.pushedAuthorization),
            require_pushed_authorization_requests: current.features.pushedAuthorizationRequests.required,
          }
        : {},
  };
}
