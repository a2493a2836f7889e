import express, { type RequestHandler } from 'express';
import type { AccountStore } from '../accounts/account-store.ts';
import { claimsNeedingConsent } from '../accounts/claims.ts';
import type { CheckDeps } from '../authorization/request.ts';
import { InvalidRequest } from '../errors/oidc-error.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { contextOf } from '../http/context.ts';
import type { Endpoint } from '../http/endpoint.ts';
import { paths } from '../http/paths.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { Interaction } from '../models/types.ts';
import { pageErrorHandler } from '../pages/page-error-handler.ts';
import { pageHeaders } from '../pages/send.ts';
import { clientAuthorization } from '../sessions/session.ts';
import { epochSeconds } from '../time/clock.ts';
import { grantAfterConsent } from './consent-grant.ts';
import { InteractionNotFound, loadInteraction } from './load.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { sendConsentPage, sendLoginPage } from './render.ts';
import { sessionOfInteraction } from './session-of.ts';

export interface InteractionDeps extends CheckDeps {
  accounts: AccountStore;
  events: ProviderEmitter;
  models: ModelRepository;
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
 * Interaction record in storage, so any replica serves any step. Each form answer is written into the interaction's
 * `result` and the browser is sent back to the authorization endpoint's resume URL, which applies it.
 */
export function interactionsEndpoint(deps: InteractionDeps): Endpoint {
  /** Stores the interaction's result — with `alongside`, records it refers to, written at the same time — and resumes. */
  const finish = async (
    res: Parameters<RequestHandler>[1],
    interaction: Interaction,
    alongside: Promise<unknown>[] = [],
  ): Promise<void> => {
    await Promise.all([deps.models.save(interaction), ...alongside]);
    res.redirect(303, interaction.returnTo);
  };

  const show: RequestHandler = async (req, res) => {
    contextOf(req, res, 'interaction');
    const { interaction, request, cookies } = await loadInteraction(req, res, deps, { csrf: false });
    if (interaction.prompt.name === 'login') sendLoginPage(res, deps.config, interaction, request);
    else await sendConsentPage(res, deps, interaction, request, cookies);
  };

  const login: RequestHandler = async (req, res) => {
    contextOf(req, res, 'interaction');
    const { interaction, request } = await loadInteraction(req, res, deps, { csrf: true });
    if (interaction.prompt.name !== 'login') throw new InvalidRequest('this sign-in step does not take a password');
    const username = field(req.body, 'username')?.trim() ?? '';
    const password = field(req.body, 'password') ?? '';
    if (username === '' || password === '') {
      sendLoginPage(res, deps.config, interaction, request, {
        status: 400,
        error: 'Enter your username and password.',
        username,
      });
      return;
    }
    const attempt = { username, address: req.ip ?? req.socket.remoteAddress ?? '' };
    // Counted before the password is checked, so parallel guesses cannot all slip under the limit.
    const wait = await deps.throttle.admit(attempt);
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
    await deps.throttle.succeeded(attempt);
    const loginTs = epochSeconds(deps.clock);
    interaction.result = { ...interaction.result, login: { accountId, loginTs, amr: ['pwd'] } };
    await finish(res, interaction);
  };

  const consent: RequestHandler = async (req, res) => {
    contextOf(req, res, 'interaction');
    const { interaction, request, cookies } = await loadInteraction(req, res, deps, { csrf: true });
    if (interaction.prompt.name !== 'consent') throw new InvalidRequest('this sign-in step does not ask for consent');
    if (field(req.body, 'deny') !== undefined) {
      interaction.result = { error: { error: 'access_denied', errorDescription: 'end-user denied the request' } };
      await finish(res, interaction);
      return;
    }
    if (field(req.body, 'accept') === undefined) throw new InvalidRequest('choose to allow or deny');
    const session = await sessionOfInteraction(deps.models, interaction, cookies);
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
    // One storage round trip for both. Should the grant's write fail, the request fails; the interaction naming it is
    // harmless: resuming finds no grant and asks for consent again.
    await finish(res, interaction, [deps.models.save(grant)]);
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
