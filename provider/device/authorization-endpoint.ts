import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { CheckDeps } from '../authorization/request.ts';
import { authenticateAt, clientAuthSettings } from '../clients/authentication/authenticate-at.ts';
import { ClientAuthenticationError } from '../clients/authentication/errors.ts';
import { InvalidRequest, UnauthorizedClient } from '../errors/oidc-error.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { contextOf } from '../http/context.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { emitError, errorBody } from '../http/error-handler.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { DeviceCode } from '../models/types.ts';
import { epochSeconds } from '../time/clock.ts';
import { newOpaqueToken } from '../tokens/opaque.ts';
import { checkDeviceRequest } from './check-request.ts';
import { deviceCodeGrantType, pollingInterval } from './grant-type.ts';
import { newUserCode } from './user-code.ts';
import { verificationUri } from './verification-uri.ts';

/**
 * The device authorization endpoint (RFC 8628 §3.1–3.2) at `POST /device/authorize`, mounted only when
 * `features.deviceFlow.enabled`. In order: `no-store` → form body → client authentication (the token endpoint's
 * methods; `none` for public clients) → the client may use the device_code grant → the request's parameters checked
 * (`check-request.ts`) → a DeviceCode stored (the device code only as its hash; the user code as an index) → 200 with
 * `device_code`, `user_code`, `verification_uri(_complete)`, `expires_in`, `interval`. EVENTS.md has no event of its
 * own for this endpoint's errors; `device_code.saved` marks its success.
 */

export interface DeviceAuthorizationDeps extends CheckDeps {
  events: ProviderEmitter;
  models: ModelRepository;
}

function singleValues(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') out[name] = value;
  return out;
}

/** A fresh user code no live device request uses (a collision among 20^8 codes is rare; retried a few times). */
async function uniqueUserCode(models: ModelRepository): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const code = newUserCode();
    if (!(await models.findDeviceCodeByUserCode(code))) return code;
  }
  throw new Error('could not find a free user code');
}

export function deviceAuthorizationEndpoint(deps: DeviceAuthorizationDeps): Endpoint {
  const { config } = deps;
  // Built once, not per request.
  const authDeps = {
    ...deps,
    ...clientAuthSettings(config),
  };

  const handle: RequestHandler = async (req, res) => {
    const ctx = contextOf(req, res, 'device_authorization');
    if (!req.is('application/x-www-form-urlencoded')) {
      throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { client } = await authenticateAt(
      paths.deviceAuthorization,
      { authorization: req.get('authorization'), body: singleValues(body) },
      authDeps,
    );
    ctx.oidc.client = client.toJSON();
    if (!client.allowsGrantType(deviceCodeGrantType)) {
      throw new UnauthorizedClient('the client is not allowed the device_code grant');
    }
    const request = await checkDeviceRequest({ ...body, client_id: client.clientId }, deps);

    const { value, id } = newOpaqueToken();
    const userCode = await uniqueUserCode(deps.models);
    const now = epochSeconds(deps.clock);
    const ttl = config.ttl.deviceCode;
    const record: DeviceCode = {
      jti: id,
      kind: 'DeviceCode',
      iat: now,
      // Kept as long again after it stops working, to answer late polls with expired_token.
      exp: now + 2 * ttl,
      expiresAt: now + ttl,
      clientId: client.clientId,
      userCode,
      params: { ...request.params },
    };
    await deps.models.save(record);
    const uri = verificationUri(config.issuer);
    res.status(200).json({
      device_code: value,
      user_code: userCode,
      verification_uri: uri,
      verification_uri_complete: `${uri}?user_code=${encodeURIComponent(userCode)}`,
      expires_in: ttl,
      interval: pollingInterval,
    });
  };

  const noStore: RequestHandler = (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    next();
  };

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const oidc = emitError(deps.events, undefined, req, res, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (error instanceof ClientAuthenticationError && error.challenge) {
      res.set('WWW-Authenticate', `Basic realm="${config.issuer}"`);
    }
    res.status(oidc.status).json(errorBody(oidc));
  };

  return {
    name: 'device_authorization',
    mount(router) {
      if (!config.features.deviceFlow.enabled) return;
      const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 });
      router.post(paths.deviceAuthorization, noStore, form, handle);
      router.all(paths.deviceAuthorization, noStore, (_req, _res, next) => {
        next(new InvalidRequest('the device authorization endpoint accepts only POST'));
      });
      router.use(paths.deviceAuthorization, onError);
    },
    metadata: (current) =>
      current.features.deviceFlow.enabled
        ? { device_authorization_endpoint: endpointUrl(current.issuer, paths.deviceAuthorization) }
        : {},
  };
}
