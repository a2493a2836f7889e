import type { Request, Response } from 'express';
import { askEndUser, loadBrowserState } from '../authorization/browser-state.ts';
import type { AuthorizationRequest } from '../authorization/request.ts';
import { loggableParams } from '../authorization/parameters.ts';
import type { ResolveDeps } from '../authorization/resolve.ts';
import { requiredPrompt } from '../authorization/prompts.ts';
import { boundToCurrentClient } from '../clients/incarnation.ts';
import type { DeviceCode, Interaction } from '../models/types.ts';
import { deviceResultPage } from '../pages/device-page.ts';
import { sendPage } from '../pages/send.ts';
import { authorizeClient, clientAuthorization } from '../sessions/session.ts';
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
  const { models, sessions, events } = deps;
  const client = request.client;
  if (!client) throw new Error('resolveDevice needs a checked request');
  const state = await loadBrowserState(req, res, deps, 'device_verification', result);
  const { ctx, now, cookies, loaded, issued, session, account } = state;
  const grantId = result?.consent?.grantId;
  const found = grantId === undefined ? undefined : await models.find('Grant', grantId);
  const grant =
    found && account && found.accountId === account.accountId && boundToCurrentClient(found, client)
      ? found
      : undefined;
  ctx.oidc.params = loggableParams(request.params);
  ctx.oidc.client = client;

  const prompt = requiredPrompt({ request, session, account, grant, result, now });
  if (prompt) {
    await askEndUser(state, deps, request, prompt, result, {
      resumePath: deviceResumePath,
      deviceUserCode: device.userCode,
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
