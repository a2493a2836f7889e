import type { Response } from 'express';
import type { ProviderConfig } from '../config/options.ts';
import type { RequestContext } from '../events/context.ts';
import type { ProviderEmitter } from '../events/events.ts';
import { endpointUrl } from '../http/paths.ts';
import { secretId, shortId } from '../models/ids.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { Interaction, Prompt } from '../models/types.ts';
import { cookieNames, type CookieJar } from '../sessions/cookies.ts';
import { interactionPath, resumePath } from './paths.ts';

/**
 * Hands an authorization request to the end-user: stores an Interaction (the validated parameters, the prompt, a CSRF
 * token; TTL `config.ttl.interaction`) so any replica can serve the pages and the resume, binds it to this browser with
 * two path-scoped signed cookies (the pages and the resume URL refuse a browser without them, so a link to someone
 * else's sign-in is useless), emits `interaction.started` and redirects to the interaction page.
 */
export async function startInteraction(options: {
  res: Response;
  ctx: RequestContext;
  cookies: CookieJar;
  config: ProviderConfig;
  models: ModelRepository;
  events: ProviderEmitter;
  now: number;
  params: Record<string, string>;
  clientId: string;
  prompt: Prompt;
  sessionUid: string | undefined;
  /**
   * What earlier interactions of this request gave (a login before the consent), carried so that the next resume
   * still knows them: `prompt=login` and `max_age` stay satisfied by that login instead of asking again forever.
   */
  result?: Interaction['result'];
  /**
   * Where the browser returns once the interaction is resolved; the authorization endpoint's resume URL unless given
   * (the device flow resumes on its own page).
   */
  resumePath?: (uid: string) => string;
  /** The user code of the device request this interaction authorizes (RFC 8628), when it is one. */
  deviceUserCode?: string;
  /**
   * Writes to finish together with the interaction's (one storage round trip), e.g. the session a login just issued;
   * the browser is redirected only once all of them are stored.
   */
  alongside?: Promise<unknown>[];
}): Promise<void> {
  const { res, ctx, cookies, config, models, events, now, prompt } = options;
  const uid = shortId();
  const ttl = config.ttl.interaction;
  const returnPath = (options.resumePath ?? resumePath)(uid);
  const interaction: Interaction = {
    jti: uid,
    kind: 'Interaction',
    iat: now,
    exp: now + ttl,
    params: options.params,
    clientId: options.clientId,
    prompt,
    returnTo: endpointUrl(config.issuer, returnPath),
    csrfToken: secretId(),
  };
  if (options.sessionUid !== undefined) interaction.sessionUid = options.sessionUid;
  if (options.deviceUserCode !== undefined) interaction.deviceUserCode = options.deviceUserCode;
  if (options.result?.login) interaction.result = { login: { ...options.result.login, carried: true } };
  await Promise.all([models.save(interaction), ...(options.alongside ?? [])]);
  cookies.set(cookieNames.interaction, uid, { path: interactionPath(uid), maxAge: ttl });
  cookies.set(cookieNames.resume, uid, { path: returnPath, maxAge: ttl });
  events.emitSafely('interaction.started', ctx, prompt);
  res.redirect(303, endpointUrl(config.issuer, interactionPath(uid)));
}
