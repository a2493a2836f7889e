import type { Request, Response } from 'express';
import { askEndUser, loadBrowserState } from './browser-state.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import { boundToCurrentClient, type ClientRef } from '../clients/incarnation.ts';
import { ConsentRequired, LoginRequired } from '../errors/oidc-error.ts';
import type { ProviderEmitter } from '../events/events.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { Grant, Interaction, Session } from '../models/types.ts';
import { authorizeClient, clientAuthorization } from '../sessions/session.ts';
import type { SessionService } from '../sessions/session-service.ts';
import { newOpaqueToken } from '../tokens/opaque.ts';
import { buildAuthorizationCode } from './authorization-code.ts';
import { requiredPrompt } from './prompts.ts';
import type { AuthorizationRequest, CheckDeps } from './request.ts';
import { sendAuthorizationResponse } from './respond.ts';

/** What resolving an authorization request needs beyond the checks. */
export interface ResolveDeps extends CheckDeps {
  accounts: AccountStore;
  events: ProviderEmitter;
  models: ModelRepository;
  sessions: SessionService;
}

/**
 * Resolves a checked authorization request against the browser's session: applies what a just-finished interaction
 * gave (a login rotates the session; a consent names the grant), asks for the next interaction if one is still needed
 * (or fails with `login_required`/`consent_required` under `prompt=none`), and otherwise issues the response — the
 * authorization code for `code`, nothing but `state` and `iss` for `none`. `known` holds records this request has
 * already read or written — the session the browser's cookie names, the grant a consent just stored — so they are not
 * read again.
 */
export async function resolveAuthorization(
  req: Request,
  res: Response,
  request: AuthorizationRequest,
  deps: ResolveDeps,
  result?: Interaction['result'],
  known: Known = {},
): Promise<void> {
  const { config, models, sessions, events } = deps;
  const { client, redirectUri } = request;
  if (!client || !redirectUri) throw new Error('resolveAuthorization needs a checked request');
  const state = await loadBrowserState(req, res, deps, 'authorization', result, known.stored);
  const { ctx, now, cookies, loaded, issued, session, account } = state;
  const grant =
    account && session ? await findGrant(models, session, client, account.accountId, result, known.grant) : undefined;

  const prompt = requiredPrompt({ request, session, account, grant, result, now });
  if (prompt) {
    if (request.prompts.has('none')) {
      throw prompt.name === 'login'
        ? new LoginRequired('end-user authentication is required')
        : new ConsentRequired('end-user consent is required');
    }
    await askEndUser(state, deps, request, prompt, result);
    return;
  }
  if (!session?.accountId || !grant) throw new Error('resolved without an account and a grant');
  const loggedInSession = session as Session & { accountId: string };

  events.emitSafely('authorization.accepted', ctx);
  const before = JSON.stringify(clientAuthorization(session, client));
  const authorization = authorizeClient(session, client, grant.jti);
  const writes: Promise<void>[] = [];
  if (issued) writes.push(sessions.issue(cookies, issued, loaded));
  else if (JSON.stringify(authorization) !== before) writes.push(sessions.update(session));

  const response: Record<string, string> = {};
  if (request.responseType === 'code') {
    const { value, id } = newOpaqueToken();
    const ttl = config.ttl.authorizationCode;
    const code = buildAuthorizationCode({ id, request, session: loggedInSession, authorization, now, ttl });
    writes.push(models.save(code).then(() => undefined));
    response.code = value;
  }
  // The session and the code are stored at once (one storage round trip); nothing is sent before both are stored.
  await Promise.all(writes);
  if (request.params.state !== undefined) response.state = request.params.state;
  response.iss = config.issuer;
  sendAuthorizationResponse(res, { redirectUri, mode: request.responseMode, params: response });
  events.emitSafely('authorization.success', ctx);
}

/** Records the caller already has: see `resolveAuthorization`. */
export interface Known {
  /** The session the browser's cookie names, as stored (undefined inside: it names none). */
  stored?: { session: Session | undefined };
  /** A grant as just stored. */
  grant?: Grant;
}

/**
 * The grant this account gave this client: the one a consent just made, else the one the session recorded for the
 * client. A grant of another account or client — or of an earlier registration of this client's id — does not count.
 */
async function findGrant(
  models: ModelRepository,
  session: Session,
  client: ClientRef,
  accountId: string,
  result: Interaction['result'] | undefined,
  known: Grant | undefined,
): Promise<Grant | undefined> {
  const grantId = result?.consent?.grantId ?? clientAuthorization(session, client)?.grantId;
  if (grantId === undefined) return undefined;
  const grant = known?.jti === grantId ? known : await models.find('Grant', grantId);
  return grant?.accountId === accountId && boundToCurrentClient(grant, client) ? grant : undefined;
}
