import type { Request, Response } from 'express';
import type { AuthorizationRequest } from '../authorization/request.ts';
import { loggableParams } from '../authorization/parameters.ts';
import type { ResolveDeps } from '../authorization/resolve.ts';
import { requiredPrompt } from '../authorization/prompts.ts';
import { boundToCurrentClient } from '../clients/incarnation.ts';
import { contextOf } from '../http/context.ts';
import { startInteraction } from '../interactions/start.ts';
import type { DeviceCode, Interaction, Session } from '../models/types.ts';
import { deviceResultPage } from '../pages/device-page.ts';
import { sendPage } from '../pages/send.ts';
import { CookieJar } from '../sessions/cookies.ts';
import { authorizeClient, clientAuthorization, loggedIn, type IssuedSession } from '../sessions/session.ts';
import { epochSeconds } from '../time/clock.ts';
import { deviceResumePath } from './verification-uri.ts';

/** The client's display name for the device pages. */
export function deviceClientName(request: AuthorizationRequest): string {
  return request.client?.metadata.client_name ?? request.client?.clientId ?? 'the device';
}

/**
 * Resolves a device request in the browser, as `authorization/resolve.ts` does an authorization request: applies
 * what the interaction just gave (a login is issued as the session), starts the next interaction while one is needed
 * (login, then consent — always asked for a device), and once both are done records the approval in the DeviceCode
 * (`result`: account, grant, scope and the authentication facts the tokens carry) and tells the user to return to the
 * device. The device learns of it at its next poll of the token endpoint.
 */
export async function resolveDevice(
  req: Request,
  res: Response,
  device: DeviceCode,
  request: AuthorizationRequest,
  deps: ResolveDeps,
  result?: Interaction['result'],
): Promise<void> {
  const { config, models, sessions, events } = deps;
  const client = request.client;
  if (!client) throw new Error('resolveDevice needs a checked request');
  const ctx = contextOf(req, res, 'device_verification');
  const now = epochSeconds(deps.clock);
  const cookies = new CookieJar(req, res, deps.keys.current.cookieKeys, config.issuer);
  const loaded = await sessions.load(cookies);
  const login = result?.login;
  const issued: IssuedSession | undefined =
    login && !login.carried ? loggedIn(loaded, login, now, config.ttl.session) : undefined;
  const session: Session | undefined = issued?.session ?? loaded;
  const account = session?.accountId === undefined ? undefined : await deps.accounts.findById(session.accountId);
  const grantId = result?.consent?.grantId;
  const found = grantId === undefined ? undefined : await models.find('Grant', grantId);
  const grant =
    found && account && found.accountId === account.accountId && boundToCurrentClient(found, client)
      ? found
      : undefined;
  ctx.oidc.params = loggableParams(request.params);
  ctx.oidc.client = client;
  if (session) ctx.oidc.session = session;
  if (account) ctx.oidc.accountId = account.accountId;

  const prompt = requiredPrompt({ request, session, account, grant, result, now });
  if (prompt) {
    await startInteraction({
      res,
      ctx,
      cookies,
      config,
      models,
      events,
      now,
      params: request.params,
      clientId: client.clientId,
      prompt,
      sessionUid: session?.uid,
      result,
      resumePath: deviceResumePath,
      deviceUserCode: device.userCode,
      // A login just issued the session: stored together with the next interaction (one storage round trip).
      alongside: issued ? [sessions.issue(cookies, issued, loaded)] : [],
    });
    return;
  }
  if (!session?.accountId || !grant) throw new Error('resolved without an account and a grant');

  // As at the authorization endpoint: accepted once nothing more is asked of the end-user, success once answered.
  events.emitSafely('authorization.accepted', ctx);
  const before = JSON.stringify(clientAuthorization(session, client));
  const authorization = authorizeClient(session, client, grant.jti);
  if (issued) await sessions.issue(cookies, issued, loaded);
  else if (JSON.stringify(authorization) !== before) await sessions.update(session);

  const approved: Extract<NonNullable<DeviceCode['result']>, { accountId: string }> = {
    accountId: session.accountId,
    grantId: grant.jti,
    scope: request.scopes.join(' '),
    sessionUid: session.uid,
    sid: authorization.sid,
  };
  if (session.loginTs !== undefined) approved.authTime = session.loginTs;
  if (session.acr !== undefined) approved.acr = session.acr;
  if (session.amr !== undefined) approved.amr = [...session.amr];
  await models.save({ ...device, result: approved });
  sendPage(res, 200, (nonce) => deviceResultPage({ nonce, approved: true, clientName: deviceClientName(request) }));
  events.emitSafely('authorization.success', ctx);
}
