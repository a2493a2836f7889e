import type { Request, Response } from 'express';
import { OIDCError } from '../errors/oidc-error.ts';
import { contextOf } from '../http/context.ts';
import { interactionPath, resumePath } from '../interactions/paths.ts';
import type { Interaction } from '../models/types.ts';
import { cookieNames, type CookieJar } from '../sessions/cookies.ts';
import { loggableParams } from './parameters.ts';
import type { AuthorizationRequest } from './request.ts';
import { resolveAuthorization, type Known, type ResolveDeps } from './resolve.ts';

/**
 * The authorization request goes on after an interaction was answered. The interaction has already been taken out of
 * storage by the caller — by one atomic read-and-delete (`ModelRepository.take`), so an interaction resolves once
 * even when its answer or its resume URL arrives twice at once — and its checked request is given. Its binding cookies
 * are cleared, `interaction.ended` is emitted, and the request — checked by `check` — is resolved with the
 * interaction's result: the next interaction, or the authorization response (a refusal the result records is thrown,
 * for the authorization endpoint's error handler to deliver to the client).
 *
 * Two callers: the resume URL (an interaction answered elsewhere, or a refusal to deliver to the client), and the
 * built-in login and consent forms, which continue in the same request instead of redirecting the browser through the
 * resume URL — one HTTP request and three storage operations (save the result, read and delete it) fewer per form.
 */
export async function continueAuthorization(
  req: Request,
  res: Response,
  deps: ResolveDeps,
  continued: {
    interaction: Interaction;
    cookies: CookieJar;
    /** The interaction's authorization request, checked (the resume URL checks it again: the client may have changed). */
    check: () => Promise<AuthorizationRequest>;
    /** Records the caller already read or wrote (`resolveAuthorization`). */
    known?: Known;
  },
): Promise<void> {
  const { interaction, cookies } = continued;
  const ctx = contextOf(req, res, 'authorization');
  // From here on this request is the authorization request's (events, metrics), also when a form started it.
  ctx.oidc.route = 'authorization';
  res.set('Cache-Control', 'no-store');
  cookies.clear(cookieNames.resume, resumePath(interaction.jti));
  cookies.clear(cookieNames.interaction, interactionPath(interaction.jti));
  // The interaction is resolved and the request goes on — even when the check below refuses it.
  ctx.oidc.params = loggableParams(interaction.params);
  deps.events.emitSafely('interaction.ended', ctx);
  const request = await continued.check();
  ctx.oidc.params = loggableParams(request.params);
  if (request.client) ctx.oidc.client = request.client;
  const failure = interaction.result?.error;
  if (failure) throw new OIDCError(failure.error, failure.errorDescription ?? failure.error);
  await resolveAuthorization(req, res, request, deps, interaction.result, continued.known);
}
