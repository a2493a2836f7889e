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
  const uid = interaction.sessionUid;
  if (uid === undefined) return undefined;
  const value = cookies.get(cookieNames.session);
  const own = value === undefined ? undefined : await models.find('Session', opaqueTokenId(value));
  return own?.uid === uid ? own : models.findSessionByUid(uid);
}
