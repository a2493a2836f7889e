import express, { type RequestHandler } from 'express';
import type { ProviderConfig } from '../config/options.ts';
import { InvalidRequest } from '../errors/oidc-error.ts';
import { contextOf } from '../http/context.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { endpointUrl, paths } from '../http/paths.ts';
import { logoutPage } from '../pages/logout-page.ts';
import { originOf, pageHeaders, sendPage } from '../pages/send.ts';
import { cookieNames, CookieJar } from '../sessions/cookies.ts';
import type { SessionService } from '../sessions/session-service.ts';
import { accountLabel } from './account-label.ts';
import { runEndSessionChecks } from './check-request.ts';
import { confirmChecks, endSessionChecks } from './checks/index.ts';
import { logoutCsrfToken, logoutCsrfTokenMatches } from './csrf.ts';
import { endSessionErrorHandler, keepEndSessionRequest } from './error-handler.ts';
import { endClientSession, endWholeSession, type LogoutDeps } from './logout.ts';
import { loggableEndSessionParams } from './parameters.ts';
import { newEndSessionRequest, type EndSessionCheckDeps, type EndSessionRequest } from './request.ts';
import { resubmitted, sendResubmitPage } from './resubmit.ts';
import { sendLogoutResponse } from './respond.ts';

export interface EndSessionDeps extends LogoutDeps, EndSessionCheckDeps {
  sessions: SessionService;
}

/** Path of the confirmation form's target, below the end-session endpoint. */
export const endSessionConfirmPath = `${paths.endSession}/confirm`;

/**
 * RP-initiated logout (OIDC RP-Initiated Logout 1.0) at `GET|POST /logout`, mounted when
 * `features.rpInitiatedLogout.enabled`. The request is checked (`checks/`: parameters → id_token_hint → client →
 * post_logout_redirect_uri); a signed-in end-user is then asked (the spec's SHOULD) on a confirmation page whose form
 * posts to `/logout/confirm` with a CSRF token bound to the session. "Sign out" notifies back-channel clients, revokes
 * the session's grants (except offline ones), destroys the session and clears its cookie; "Stay signed in" ends only
 * the requesting client's part. Either way `end_session.success` is emitted and the browser goes to the validated
 * post-logout redirect URI (with `state`) or sees the provider's own page. Errors are pages, never redirects.
 */
export function endSessionEndpoint(deps: EndSessionDeps): Endpoint {
  const { config } = deps;

  const describe = (
    req: Parameters<RequestHandler>[0],
    res: Parameters<RequestHandler>[1],
    request: EndSessionRequest,
  ) => {
    const ctx = contextOf(req, res, 'end_session');
    ctx.oidc.params = loggableEndSessionParams(request.params);
    if (request.client) ctx.oidc.client = request.client;
    return ctx;
  };

  const start =
    (source: 'query' | 'body'): RequestHandler =>
    async (req, res) => {
      contextOf(req, res, 'end_session');
      const request = newEndSessionRequest(
        (source === 'query' ? req.query : (req.body ?? {})) as Record<string, unknown>,
      );
      keepEndSessionRequest(res, request);
      await runEndSessionChecks(request, endSessionChecks, deps);
      const ctx = describe(req, res, request);
      const keys = deps.keys.current;
      const cookies = new CookieJar(req, res, keys.cookieKeys, config.issuer);
      const session = await deps.sessions.load(cookies);
      if (
        session?.accountId === undefined &&
        source === 'body' &&
        (req.body as Record<string, unknown> | undefined)?.[resubmitted] === undefined
      ) {
        // A cross-site form POST arrives without the SameSite=Lax session cookie; resubmitted from our own page it
        // carries it. Only the recognised parameters are carried over.
        sendResubmitPage(res, config, request);
        return;
      }
      if (session?.accountId === undefined) {
        // Nobody is signed in: nothing to ask about and nothing to end but a stray anonymous session.
        if (session) await deps.sessions.destroy(cookies, session);
        deps.events.emitSafely('end_session.success', ctx);
        sendLogoutResponse(res, request, false);
        return;
      }
      ctx.oidc.session = session;
      ctx.oidc.accountId = session.accountId;
      const account = await deps.accounts.findById(session.accountId);
      const hidden: Record<string, string> = {};
      if (request.client) hidden.client_id = request.client.clientId;
      if (request.postLogoutRedirectUri !== undefined) {
        hidden.post_logout_redirect_uri = request.postLogoutRedirectUri;
        if (request.params.state !== undefined) hidden.state = request.params.state;
      }
      const origin = request.postLogoutRedirectUri === undefined ? undefined : originOf(request.postLogoutRedirectUri);
      const clientName = request.client?.metadata.client_name ?? request.client?.clientId;
      sendPage(
        res,
        200,
        (nonce) =>
          logoutPage({
            nonce,
            action: endpointUrl(config.issuer, endSessionConfirmPath),
            csrfToken: logoutCsrfToken(keys.cookieKeys, session.jti),
            accountLabel: accountLabel(account),
            ...(clientName === undefined ? {} : { clientName }),
            hidden,
          }),
        { formActions: origin ? [origin] : [] },
      );
    };

  /**
   * The confirmation form. The CSRF token must have been made for this browser's current session: a forged post, a
   * replayed page after the session ended, or a post without the token is refused before anything changes.
   */
  const confirm: RequestHandler = async (req, res) => {
    contextOf(req, res, 'end_session');
    const request = newEndSessionRequest((req.body ?? {}) as Record<string, unknown>);
    keepEndSessionRequest(res, request);
    await runEndSessionChecks(request, confirmChecks, deps);
    const ctx = describe(req, res, request);
    const keys = deps.keys.current;
    const cookies = new CookieJar(req, res, keys.cookieKeys, config.issuer);
    const session = await deps.sessions.load(cookies);
    if (!session || !logoutCsrfTokenMatches(keys.cookieKeys, session.jti, request.params.csrf)) {
      throw new InvalidRequest('the sign-out request has expired or did not come from this browser');
    }
    ctx.oidc.session = session;
    if (session.accountId !== undefined) ctx.oidc.accountId = session.accountId;
    let stillSignedIn: boolean;
    if (request.params.logout !== undefined) {
      await endWholeSession(ctx, session, deps);
      cookies.clear(cookieNames.session);
      stillSignedIn = false;
    } else if (request.params.stay !== undefined) {
      if (request.client) await endClientSession(ctx, session, request.client.clientId, deps);
      stillSignedIn = true;
    } else {
      throw new InvalidRequest('choose to sign out or to stay signed in');
    }
    deps.events.emitSafely('end_session.success', ctx);
    sendLogoutResponse(res, request, stillSignedIn);
  };

  const noStore: RequestHandler = (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    next();
  };
  const parseForm = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 });

  return {
    name: 'end_session',
    mount(router) {
      if (!config.features.rpInitiatedLogout.enabled) return;
      router.get(paths.endSession, pageHeaders, noStore, start('query'));
      router.post(paths.endSession, pageHeaders, noStore, parseForm, start('body'));
      router.post(endSessionConfirmPath, pageHeaders, noStore, parseForm, confirm);
      router.use(paths.endSession, endSessionErrorHandler(deps.events));
    },
    metadata: (current: ProviderConfig) => endSessionMetadata(current),
  };
}

/**
 * Discovery: `end_session_endpoint` when RP-initiated logout is on; the back-channel fields when back-channel logout
 * is on as well (logout through this endpoint is what triggers the notifications).
 */
export function endSessionMetadata(config: ProviderConfig): Record<string, unknown> {
  if (!config.features.rpInitiatedLogout.enabled) return {};
  return {
    end_session_endpoint: endpointUrl(config.issuer, paths.endSession),
    ...(config.features.backchannelLogout.enabled
      ? { backchannel_logout_supported: true, backchannel_logout_session_supported: true }
      : {}),
  };
}
