import express, { type RequestHandler, type Response } from 'express';
import { InvalidRequest } from '../errors/oidc-error.ts';
import { contextOf } from '../http/context.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { paths } from '../http/paths.ts';
import { pageHeaders } from '../pages/send.ts';
import { resolveRequestUri } from '../par/request-uri.ts';
import { cookieNames, CookieJar } from '../sessions/cookies.ts';
import { checkAuthorizationRequest } from './check-request.ts';
import { continueAuthorization } from './continue.ts';
import { authorizationErrorHandler, keepAuthorizationState } from './error-handler.ts';
import { authorizationMetadata } from './metadata.ts';
import { loggableParams, type RawParameters } from './parameters.ts';
import type { AuthorizationRequest } from './request.ts';
import { resolveAuthorization, type ResolveDeps } from './resolve.ts';

/**
 * The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2): GET with the query, POST with a form body, and the
 * resume URL the browser returns to after an interaction. A PAR `request_uri` is first resolved into the pushed
 * parameters (`par/request-uri.ts`). Each request is checked (`checks/`, in order), then resolved
 * against the session (`resolve.ts`). Errors go through one handler that redirects to the client only once its
 * redirect URI is trusted.
 */
export function authorizationEndpoint(deps: ResolveDeps): Endpoint {
  const keep = (res: Response) => (request: AuthorizationRequest) => {
    keepAuthorizationState(res, request);
  };

  const authorize =
    (source: 'query' | 'body'): RequestHandler =>
    async (req, res) => {
      const ctx = contextOf(req, res, 'authorization');
      const raw = (source === 'query' ? req.query : (req.body ?? {})) as RawParameters;
      // A PAR `request_uri` (RFC 9126 §4) stands for the pushed parameters, which replace everything else sent.
      const pushed = deps.config.features.pushedAuthorizationRequests.enabled && raw.request_uri !== undefined;
      const input = pushed ? await resolveRequestUri(raw.request_uri, raw.client_id, deps) : raw;
      const request = await checkAuthorizationRequest(input, deps, keep(res), { pushed });
      ctx.oidc.params = loggableParams(request.params);
      if (request.client) ctx.oidc.client = request.client;
      await resolveAuthorization(req, res, request, deps);
    };

  /**
   * The browser is back from an interaction. It must be bound to this browser (the resume cookie) before anything is
   * read; the interaction is then taken out of storage — read and deleted at once, so of two resumes arriving together
   * only one goes on — its parameters are checked again (the client may have changed since) and its result applied.
   */
  const resume: RequestHandler = async (req, res) => {
    contextOf(req, res, 'authorization');
    const uid = String(req.params.uid);
    const cookies = new CookieJar(req, res, deps.keys.current.cookieKeys, deps.config.issuer);
    const expired = () => new InvalidRequest('the sign-in request has expired or was started in another browser');
    if (cookies.get(cookieNames.resume) !== uid) throw expired();
    const interaction = await deps.models.take('Interaction', uid);
    // A device interaction (RFC 8628) resumes on the device pages, never here.
    if (!interaction || interaction.deviceUserCode !== undefined) throw expired();
    await continueAuthorization(req, res, deps, {
      interaction,
      cookies,
      check: () => checkAuthorizationRequest(interaction.params, deps, keep(res)),
    });
  };

  const noStore: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
  const parseForm = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });

  return {
    name: 'authorization',
    mount(router) {
      router.get(paths.authorization, pageHeaders, noStore, authorize('query'));
      router.post(paths.authorization, pageHeaders, noStore, parseForm, authorize('body'));
      router.get(`${paths.authorization}/resume/:uid`, pageHeaders, noStore, resume);
      router.use(paths.authorization, authorizationErrorHandler(deps.config, deps.events));
    },
    metadata: (config) => authorizationMetadata(config),
  };
}
