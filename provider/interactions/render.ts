import type { Response } from 'express';
import type { AccountStore } from '../accounts/account-store.ts';
import { claimsForScope, claimsNeedingConsent } from '../accounts/claims.ts';
import type { AuthorizationRequest } from '../authorization/request.ts';
import type { ProviderConfig } from '../config/options.ts';
import { endpointUrl } from '../http/paths.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { Interaction, Session } from '../models/types.ts';
import { consentPage } from '../pages/consent-page.ts';
import { loginPage } from '../pages/login-page.ts';
import { originOf, sendPage } from '../pages/send.ts';
import type { CookieJar } from '../sessions/cookies.ts';
import { interactionPath } from './paths.ts';
import { describeScopes } from './scope-descriptions.ts';
import { InteractionNotFound } from './load.ts';
import { sessionOfInteraction } from './session-of.ts';

/** The client's display name: its registered `client_name`, else its id. */
function clientName(request: AuthorizationRequest): string {
  return request.client?.metadata.client_name ?? request.client?.clientId ?? 'the application';
}

/**
 * `form-action` sources for an interaction page: the login or consent answer redirects back through the resume URL to
 * the client's redirect URI, and Chromium checks every hop of a form's redirect chain against `form-action`.
 */
function formActions(request: AuthorizationRequest): string[] {
  const origin = request.redirectUri === undefined ? undefined : originOf(request.redirectUri);
  return origin ? [origin] : [];
}

/** Sends the login page of an interaction, optionally with an error and the username typed. */
export function sendLoginPage(
  res: Response,
  config: ProviderConfig,
  interaction: Interaction,
  request: AuthorizationRequest,
  options: { status?: number; error?: string; username?: string } = {},
): void {
  const base = endpointUrl(config.issuer, interactionPath(interaction.jti));
  const username = options.username ?? request.params.login_hint;
  sendPage(
    res,
    options.status ?? 200,
    (nonce) =>
      loginPage({
        nonce,
        clientName: clientName(request),
        loginAction: `${base}/login`,
        abortAction: `${base}/abort`,
        csrfToken: interaction.csrfToken,
        ...(username === undefined ? {} : { username }),
        ...(options.error === undefined ? {} : { error: options.error }),
      }),
    { formActions: formActions(request) },
  );
}

/** Sends the consent page of an interaction, naming the signed-in account. */
export async function sendConsentPage(
  res: Response,
  deps: { config: ProviderConfig; models: ModelRepository; accounts: AccountStore },
  interaction: Interaction,
  request: AuthorizationRequest,
  cookies: CookieJar,
  /** The browser's session as the caller started reading it (`readBrowserSession`), if it did. */
  browserSession?: Promise<Session | undefined>,
): Promise<void> {
  const session = await sessionOfInteraction(deps.models, interaction, cookies, browserSession);
  const account = session?.accountId === undefined ? undefined : await deps.accounts.findById(session.accountId);
  if (!account) throw new InteractionNotFound();
  const { name, preferred_username: username } = account.claims;
  const label = [name, username].filter((part): part is string => typeof part === 'string');
  const accountLabel = label.length === 2 ? `${label[0] ?? ''} (${label[1] ?? ''})` : (label[0] ?? account.sub);
  const covered = claimsForScope(request.scopes);
  const origin = request.redirectUri === undefined ? undefined : originOf(request.redirectUri);
  sendPage(
    res,
    200,
    (nonce) =>
      consentPage({
        nonce,
        clientName: clientName(request),
        ...(origin === undefined ? {} : { returnOrigin: origin }),
        accountLabel,
        scopes: describeScopes(request.scopes),
        claims: claimsNeedingConsent(request.claims).filter((claim) => !covered.has(claim)),
        ...(request.params.resource === undefined ? {} : { resource: request.params.resource }),
        action: `${endpointUrl(deps.config.issuer, interactionPath(interaction.jti))}/consent`,
        csrfToken: interaction.csrfToken,
      }),
    { formActions: formActions(request) },
  );
}
