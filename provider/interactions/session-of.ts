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
  browserSession?: Promise<Session | undefined>,
): Promise<Session | undefined> {
  return (await sessionsOfInteraction(models, interaction, cookies, browserSession)).session;
}

/**
 * Starts reading the session the browser's session cookie names (undefined when it names none), so that it can go
 * to storage together with another read. A failed read rejects for whoever awaits the promise, never as an unhandled
 * rejection when nobody does (e.g. the interaction read beside it failed first).
 */
export function readBrowserSession(models: ModelRepository, cookies: CookieJar): Promise<Session | undefined> {
  const value = cookies.get(cookieNames.session);
  if (value === undefined) return Promise.resolve(undefined);
  const read = models.find('Session', opaqueTokenId(value));
  read.catch(() => undefined);
  return read;
}

/**
 * The session an interaction was started for, and the one the browser's session cookie names as stored — the same
 * record in the usual case — so that a caller going on to resolve the request needs no second read of it.
 * `browserSession` is that cookie's session when the caller already started reading it (`readBrowserSession`).
 */
export async function sessionsOfInteraction(
  models: ModelRepository,
  interaction: Interaction,
  cookies: CookieJar,
  browserSession?: Promise<Session | undefined>,
): Promise<{ session: Session | undefined; browsers: Session | undefined }> {
  const uid = interaction.sessionUid;
  if (uid === undefined) return { session: undefined, browsers: undefined };
  const own = await (browserSession ?? readBrowserSession(models, cookies));
  return { session: own?.uid === uid ? own : await models.findSessionByUid(uid), browsers: own };
}
