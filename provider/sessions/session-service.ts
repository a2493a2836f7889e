import type { ModelRepository } from '../models/repository.ts';
import type { Session } from '../models/types.ts';
import { opaqueTokenId } from '../tokens/opaque.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';
import { cookieNames, type CookieJar } from './cookies.ts';
import type { IssuedSession } from './session.ts';

/**
 * Loads and stores the browser's session: the session cookie holds a random value, the record lives in storage under
 * its hash (so any replica can serve the next request, and a storage dump holds no usable cookie), and saving emits
 * `session.saved` through the repository.
 */
export class SessionService {
  readonly #models: ModelRepository;
  readonly #clock: Clock;

  constructor(deps: { models: ModelRepository; clock: Clock }) {
    this.#models = deps.models;
    this.#clock = deps.clock;
  }

  /** The browser's session, or undefined when it has none (no cookie, a forged one, or an expired record). */
  async load(cookies: CookieJar): Promise<Session | undefined> {
    const value = cookies.get(cookieNames.session);
    return value === undefined ? undefined : this.#models.find('Session', opaqueTokenId(value));
  }

  /** Stores changes to a loaded session (its id and cookie stay). */
  async update(session: Session): Promise<void> {
    await this.#models.save(session);
  }

  /**
   * Stores a newly issued session (a login) and points the cookie at it. The record it replaces, if any, is destroyed
   * so the previous cookie stops working at once.
   */
  async issue(cookies: CookieJar, issued: IssuedSession, replaces?: Session): Promise<void> {
    await this.#models.save(issued.session);
    if (replaces && replaces.jti !== issued.session.jti) await this.#models.destroy('Session', replaces);
    const maxAge = Math.max(1, issued.session.exp - epochSeconds(this.#clock));
    cookies.set(cookieNames.session, issued.cookieValue, { maxAge });
  }

  /** Ends the session: record destroyed (`session.destroyed`), cookie cleared. */
  async destroy(cookies: CookieJar, session: Session): Promise<void> {
    await this.#models.destroy('Session', session);
    cookies.clear(cookieNames.session);
  }
}
