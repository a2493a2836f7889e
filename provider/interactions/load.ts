import type { Request, Response } from 'express';
import { checkAuthorizationRequest } from '../authorization/check-request.ts';
import type { AuthorizationRequest, CheckDeps } from '../authorization/request.ts';
import { checkDeviceRequest } from '../device/check-request.ts';
import { OIDCError } from '../errors/oidc-error.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { Interaction, Session } from '../models/types.ts';
import { cookieNames, CookieJar } from '../sessions/cookies.ts';
import { csrfTokenMatches } from './csrf.ts';
import { readBrowserSession } from './session-of.ts';

/** A stale, unknown or foreign interaction: shown as a page, never redirected. */
export class InteractionNotFound extends OIDCError {
  constructor() {
    super(
      'invalid_request',
      'This sign-in page has expired or was opened in another browser. Return to the application and start again.',
      400,
    );
  }
}

/** A form submission without the interaction's CSRF token. */
export class CsrfMismatch extends OIDCError {
  constructor() {
    super('invalid_request', 'The form could not be verified. Go back, reload the page and try again.', 403);
  }
}

export interface LoadedInteraction {
  interaction: Interaction;
  /** The authorization request, checked again (the client and its registration may have changed since). */
  request: AuthorizationRequest;
  cookies: CookieJar;
  /**
   * With `options.session`: the session the browser's session cookie names, read together with the interaction (one
   * storage round trip instead of two for the pages that need both: the consent page and its answer).
   */
  browserSession?: Promise<Session | undefined>;
}

/**
 * Loads the interaction of `/interaction/:uid` for this browser: it must exist in storage and be bound to the browser
 * by its signed, path-scoped cookie; for a form submission, the CSRF token must match as well.
 */
export async function loadInteraction(
  req: Request,
  res: Response,
  deps: CheckDeps & { models: ModelRepository },
  options: { csrf: boolean; session?: boolean },
): Promise<LoadedInteraction> {
  const uid = String(req.params.uid);
  const cookies = new CookieJar(req, res, deps.keys.current.cookieKeys, deps.config.issuer);
  const browserSession = options.session ? readBrowserSession(deps.models, cookies) : undefined;
  const interaction = await deps.models.find('Interaction', uid);
  if (!interaction || cookies.get(cookieNames.interaction) !== uid) throw new InteractionNotFound();
  if (options.csrf && !csrfTokenMatches(interaction.csrfToken, (req.body as Record<string, unknown>).csrf)) {
    throw new CsrfMismatch();
  }
  // A device interaction (RFC 8628) holds a device authorization request: no redirect URI, its own checks.
  const request =
    interaction.deviceUserCode === undefined
      ? await checkAuthorizationRequest(interaction.params, deps)
      : await checkDeviceRequest(interaction.params, deps);
  return { interaction, request, cookies, ...(browserSession ? { browserSession } : {}) };
}
