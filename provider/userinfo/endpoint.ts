import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { AccountStore } from '../accounts/account-store.ts';
import type { ClientStore } from '../clients/client-store.ts';
import type { ProviderConfig } from '../config/options.ts';
import { supportedClaims } from '../accounts/claims.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { contextOf } from '../http/context.ts';
import { publicCors } from '../http/cors.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { emitError, errorBody } from '../http/error-handler.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import { ModelRepository } from '../models/repository.ts';
import type { Storage } from '../storage/adapter.ts';
import type { Clock } from '../time/clock.ts';
import { bearerToken, MissingBearerToken } from './bearer.ts';
import { userinfoClaims } from './claims.ts';

/**
 * The UserInfo endpoint (OIDC Core §5.3): GET or POST with a bearer access token (RFC 6750), JSON claims back, never
 * cached. Errors carry `WWW-Authenticate: Bearer` with `error` and `error_description` (RFC 6750 §3) — without an
 * error code when no token was sent at all (§3.1) — and emit `userinfo.error`.
 */

export interface UserinfoEndpointDeps {
  config: ProviderConfig;
  storage: Storage;
  events: ProviderEmitter;
  clock: Clock;
  accounts: AccountStore;
  clients: ClientStore;
  /** Verifies JWT access tokens (RFC 9068). */
  keys: KeystoreHolder;
}

/** A quoted-string value for an auth-param (RFC 9110 §11.2): no quotes or backslashes inside. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, "'")}"`;
}

export function userinfoEndpoint(deps: UserinfoEndpointDeps): Endpoint {
  const models = new ModelRepository(deps);
  const realm = `realm=${quoted(deps.config.issuer)}`;

  const handle: RequestHandler = async (req, res) => {
    const ctx = contextOf(req, res, 'userinfo');
    const form = req.method === 'POST' && req.is('application/x-www-form-urlencoded');
    const token = bearerToken({
      authorization: req.get('authorization'),
      bodyToken: form ? (req.body as Record<string, unknown> | undefined)?.access_token : undefined,
      queryToken: typeof req.url === 'string' && new URL(req.url, 'http://x').searchParams.has('access_token'),
    });
    const claims = await userinfoClaims(token, ctx, { ...deps, models });
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(claims);
  };

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    contextOf(req, res, 'userinfo');
    const oidc = emitError(deps.events, 'userinfo', req, res, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (error instanceof MissingBearerToken) {
      res.status(401).set('WWW-Authenticate', `Bearer ${realm}`).json(errorBody(oidc));
      return;
    }
    if (oidc.status < 500) {
      const challenge = [`Bearer ${realm}`, `error=${quoted(oidc.error)}`];
      if (oidc.expose) challenge.push(`error_description=${quoted(oidc.errorDescription)}`);
      res.set('WWW-Authenticate', challenge.join(', '));
    }
    res.status(oidc.status).json(errorBody(oidc));
  };

  return {
    name: 'userinfo',
    mount(router) {
      const cors = publicCors(['GET', 'POST']);
      router.options(paths.userinfo, cors);
      router.get(paths.userinfo, cors, handle);
      router.post(paths.userinfo, cors, express.urlencoded({ extended: false, limit: '16kb' }), handle);
      router.use(paths.userinfo, onError);
    },
    metadata: (config) => ({
      userinfo_endpoint: endpointUrl(config.issuer, paths.userinfo),
      claims_supported: supportedClaims,
    }),
  };
}
