import express, { type RequestHandler } from 'express';
import { claimsNeedingConsent } from '../accounts/claims.ts';
import { continueAuthorization } from '../authorization/continue.ts';
import { authorizationErrorHandler, keepAuthorizationState } from '../authorization/error-handler.ts';
import type { AuthorizationRequest } from '../authorization/request.ts';
import type { Known, ResolveDeps } from '../authorization/resolve.ts';
import { InvalidRequest } from '../errors/oidc-error.ts';
import { contextOf } from '../http/context.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { paths } from '../http/paths.ts';
import type { Interaction } from '../models/types.ts';
import type { CookieJar } from '../sessions/cookies.ts';
import { pageErrorHandler } from '../pages/page-error-handler.ts';
import { pageHeaders } from '../pages/send.ts';
import { clientAuthorization } from '../sessions/session.ts';
import { epochSeconds } from '../time/clock.ts';
import { grantAfterConsent } from './consent-grant.ts';
import { InteractionNotFound, loadInteraction, type LoadedInteraction } from './load.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { sendConsentPage, sendLoginPage } from './render.ts';
import { sessionsOfInteraction } from './session-of.ts';

export interface InteractionDeps extends ResolveDeps {
  throttle: LoginThrottle;
}

/** Same message whether the username or the password was wrong, so the page does not reveal which users exist. */
export const wrongCredentials = 'The username or password is incorrect.';

function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The built-in login and consent pages (`/interaction/:uid`) and their forms. Everything they need is in the
 * Interaction record in storage, so any replica serves any step. A login or a consent of an authorization request
 * goes on in the same request (`continueAuthorization`): the interaction is taken out of storage (once, atomically) and
 * the request resolved with the answer — the next page, or the redirect to the client. A refusal (deny, cancel) and
 * any answer of a device request are written into the interaction's `result` and the browser is sent to the
 * interaction's resume URL, which applies it (the authorization endpoint delivers the error to the client; the device
 * page shows the outcome).
 */
export function interactionsEndpoint(deps: InteractionDeps): Endpoint {
  const authorizationErrors = authorizationErrorHandler(deps.config, deps.events);
  /** Stores the interaction's result — with `alongside`, records it refers to, written at the same time — and resumes. */
  const finish = async (
    res: Parameters<RequestHandler>[1],
    interaction: Interaction,
    alongside: Promise<unknown>[] = [],
  ): Promise<void> => {
    await Promise.all([deps.models.save(interaction), ...alongside]);
    res.redirect(303, interaction.returnTo);
  };

  /**
   * A login or consent answered: an authorization request goes on here (see above) once `alongside` — records the
   * answer refers to — is stored too; a device request resumes on its own page through `finish`.
   */
  const answered = async (
    req: Parameters<RequestHandler>[0],
    res: Parameters<RequestHandler>[1],
    loaded: { interaction: Interaction; request: AuthorizationRequest; cookies: CookieJar },
    alongside: Promise<unknown>[] = [],
    known?: Known,
  ): Promise<void> => {
    const { interaction, request, cookies } = loaded;
    if (interaction.deviceUserCode !== undefined) {
      await finish(res, interaction, alongside);
      return;
    }
    const [taken] = await Promise.all([deps.models.take('Interaction', interaction.jti), ...alongside]);
    // Answered twice at once (two submissions racing): only the one that took the interaction goes on.
    if (!taken) throw new InteractionNotFound();
    // From here on errors are the authorization request's, delivered as at the resume URL: to the client once its
    // redirect URI is trusted (e.g. `access_denied` when the wrong end-user signed in).
    keepAuthorizationState(res, request);
    try {
      await continueAuthorization(req, res, deps, {
        interaction: { ...taken, result: interaction.result },
        cookies,
        check: () => Promise.resolve(request),
        ...(known ? { known } : {}),
      });
    } catch (error) {
      authorizationErrors(error, req, res, () => undefined);
    }
  };

  const show: RequestHandler = async (req, res) => {
    contextOf(req, res, 'interaction');
    // The session is read with the interaction: the consent page needs it (a login page of a browser that has one
    // does not, and that read is spent — in the same round trip).
    const { interaction, request, cookies, browserSession } = await loadInteraction(req, res, deps, {
      csrf: false,
      session: true,
    });
    if (interaction.prompt.name === 'login') sendLoginPage(res, deps.config, interaction, request);
    else await sendConsentPage(res, deps, interaction, request, cookies, browserSession);
  };

  const login: RequestHandler = async (req, res) => {
    contextOf(req, res, 'interaction');
    const username = field(req.body, 'username')?.trim() ?? '';
    const password = field(req.body, 'password') ?? '';
    const attempt = { username, address: req.ip ?? req.socket.remoteAddress ?? '' };
    // Counted before the password is checked, so parallel guesses cannot all slip under the limit. The count needs only
    // the form's fields and the address, so it goes to storage with the interaction's read (one round trip); a form
    // refused before its password would be checked (no such interaction, a wrong CSRF token, not a login step) gives
    // its place back, so only attempts that reach the check count, as when the count followed the read.
    const pending = username === '' || password === '' ? undefined : deps.throttle.begin(attempt);
    let loaded: LoadedInteraction;
    try {
      loaded = await loadInteraction(req, res, deps, { csrf: true });
      if (loaded.interaction.prompt.name !== 'login') {
        throw new InvalidRequest('this sign-in step does not take a password');
      }
    } catch (error) {
      await pending?.withdraw();
      throw error;
    }
    const { interaction, request } = loaded;
    if (!pending) {
      sendLoginPage(res, deps.config, interaction, request, {
        status: 400,
        error: 'Enter your username and password.',
        username,
      });
      return;
    }
    const wait = await pending.verdict();
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      const minutes = Math.ceil(wait / 60);
      sendLoginPage(res, deps.config, interaction, request, {
        status: 429,
        error: `Too many sign-in attempts. Try again in ${String(minutes)} minute${minutes === 1 ? '' : 's'}.`,
        username,
      });
      return;
    }
    const accountId = await deps.accounts.authenticate(username, password);
    if (accountId === undefined) {
      sendLoginPage(res, deps.config, interaction, request, { status: 401, error: wrongCredentials, username });
      return;
    }
    const loginTs = epochSeconds(deps.clock);
    interaction.result = { ...interaction.result, login: { accountId, loginTs, amr: ['pwd'] } };
    // The throttle gives the attempt's place back while the interaction is taken (one storage round trip).
    await answered(req, res, loaded, [deps.throttle.succeeded(attempt)]);
  };

  const consent: RequestHandler = async (req, res) => {
    contextOf(req, res, 'interaction');
    const loaded = await loadInteraction(req, res, deps, { csrf: true, session: true });
    const { interaction, request, cookies, browserSession } = loaded;
    if (interaction.prompt.name !== 'consent') throw new InvalidRequest('this sign-in step does not ask for consent');
    if (field(req.body, 'deny') !== undefined) {
      interaction.result = { error: { error: 'access_denied', errorDescription: 'end-user denied the request' } };
      await finish(res, interaction);
      return;
    }
    if (field(req.body, 'accept') === undefined) throw new InvalidRequest('choose to allow or deny');
    const { session, browsers } = await sessionsOfInteraction(deps.models, interaction, cookies, browserSession);
    const accountId = session?.accountId;
    if (!session || accountId === undefined) throw new InteractionNotFound();
    // The request was checked again on load: this is the client as registered now (its current incarnation).
    const client = request.client;
    if (!client) throw new InteractionNotFound();
    const existingId = clientAuthorization(session, client)?.grantId;
    const existing = existingId === undefined ? undefined : await deps.models.find('Grant', existingId);
    const grant = grantAfterConsent({
      existing,
      accountId,
      client,
      scopes: request.scopes,
      claims: claimsNeedingConsent(request.claims),
      resource: request.params.resource,
      now: epochSeconds(deps.clock),
      ttl: deps.config.ttl.grant,
    });
    interaction.result = { ...interaction.result, consent: { grantId: grant.jti } };
    // One storage round trip for both. Should the grant's write fail, the request fails (the interaction is gone: the
    // end-user starts again at the client); should the interaction be gone, the grant stays unused until it expires.
    await answered(req, res, loaded, [deps.models.save(grant)], { stored: { session: browsers }, grant });
  };

  const abort: RequestHandler = async (req, res) => {
    contextOf(req, res, 'interaction');
    const { interaction } = await loadInteraction(req, res, deps, { csrf: true });
    interaction.result = { error: { error: 'access_denied', errorDescription: 'end-user cancelled the sign-in' } };
    await finish(res, interaction);
  };

  const parseForm = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const base = `${paths.interaction}/:uid`;
  return {
    name: 'interaction',
    mount(router) {
      router.get(base, pageHeaders, show);
      router.post(`${base}/login`, pageHeaders, parseForm, login);
      router.post(`${base}/consent`, pageHeaders, parseForm, consent);
      router.post(`${base}/abort`, pageHeaders, parseForm, abort);
      router.use(paths.interaction, pageErrorHandler(deps.events, 'This sign-in page cannot be used'));
    },
  };
}
