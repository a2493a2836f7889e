import type { ModelRepository } from '../models/repository.ts';
import type { Interaction, Session } from '../models/types.ts';
import { cookieNames, type CookieJar } from '../sessions/cookies.ts';
import { opaqueTokenId } from '../tokens/opaque.ts';

/**
 * The session an interaction was started for (its `sessionUid`). The browser's own session cookie names it in the
 * usual case — one storage read — and is taken only when that session carries the interaction's uid; otherwise (no or
 * another cookie) the session is found by its uid (an index read, then the record), as before.
 */
export async function sessionOfInteraction(
  models: ModelRepository,
  interaction: Interaction,
  cookies: CookieJar,
): Promise<Session | undefined> {
  return (await sessionsOfInteraction(models, interaction, cookies)).session;
}

/**
 * The session an interaction was started for, and the one the browser's session cookie names as stored — the same
 * record in the usual case — so that a caller going on to resolve the request needs no second read of it.
 */
export async function sessionsOfInteraction(
  models: ModelRepository,
  interaction: Interaction,
  cookies: CookieJar,
): Promise<{ session: Session | undefined; browsers: Session | undefined }> {
  const uid = interaction.sessionUid;
  if (uid === undefined) return { session: undefined, browsers: undefined };
  const value = cookies.get(cookieNames.session);
  const own = value === undefined ? undefined : await models.find('Session', opaqueTokenId(value));
  return { session: own?.uid === uid ? own : await models.findSessionByUid(uid), browsers: own };
}
