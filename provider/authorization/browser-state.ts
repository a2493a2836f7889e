import type { Request, Response } from 'express';
import type { Account } from '../accounts/account-store.ts';
import type { RequestContext } from '../events/context.ts';
import { contextOf } from '../http/context.ts';
import { startInteraction } from '../interactions/start.ts';
import type { Interaction, Prompt, Session } from '../models/types.ts';
import { CookieJar } from '../sessions/cookies.ts';
import { loggedIn, type IssuedSession } from '../sessions/session.ts';
import { epochSeconds } from '../time/clock.ts';
import type { AuthorizationRequest } from './request.ts';
import type { ResolveDeps } from './resolve.ts';

/** The browser's side of a request being resolved (authorization endpoint or device verification page). */
export interface BrowserState {
  response: Response;
  ctx: RequestContext;
  now: number;
  cookies: CookieJar;
  /** The session the browser's cookie named, as stored. */
  loaded: Session | undefined;
  /** The session a login just finished in this interaction issues (not stored yet), if one did. */
  issued: IssuedSession | undefined;
  /** The session in effect: the issued one, else the loaded one. */
  session: Session | undefined;
  account: Account | undefined;
}

/**
 * Loads the browser's session and applies what a just-finished interaction gave: a login (not one carried over from
 * an earlier interaction of the request, which is already the session's) issues a new session; the account is the
 * session's. The request context names the session and the account. `stored`, when given, is the session the browser's
 * cookie names as this request already read it (undefined: it names none), so it is not read again.
 */
export async function loadBrowserState(
  req: Request,
  res: Response,
  deps: ResolveDeps,
  route: string,
  result: Interaction['result'] | undefined,
  stored?: { session: Session | undefined },
): Promise<BrowserState> {
  const { config, sessions } = deps;
  const ctx = contextOf(req, res, route);
  const now = epochSeconds(deps.clock);
  const cookies = new CookieJar(req, res, deps.keys.current.cookieKeys, config.issuer);
  const loaded = stored ? stored.session : await sessions.load(cookies);
  const login = result?.login;
  const issued = login && !login.carried ? loggedIn(loaded, login, now, config.ttl.session) : undefined;
  const session = issued?.session ?? loaded;
  const account = session?.accountId === undefined ? undefined : await deps.accounts.findById(session.accountId);
  if (session) ctx.oidc.session = session;
  if (account) ctx.oidc.accountId = account.accountId;
  return { response: res, ctx, now, cookies, loaded, issued, session, account };
}

/**
 * Hands the request to the end-user for `prompt` (login or consent). A session a login just issued is stored together
 * with the interaction, which refers to it by uid (one storage round trip). `resume` is where the device flow resumes
 * and the user code it authorizes; the authorization endpoint's resume URL otherwise.
 */
export function askEndUser(
  state: BrowserState,
  deps: ResolveDeps,
  request: AuthorizationRequest,
  prompt: Prompt,
  result: Interaction['result'] | undefined,
  resume?: { resumePath: (uid: string) => string; deviceUserCode: string },
): Promise<void> {
  const { config, models, sessions, events } = deps;
  const { ctx, cookies, now, session, issued, loaded } = state;
  if (!request.client) throw new Error('askEndUser needs a checked request');
  return startInteraction({
    res: state.response,
    ctx,
    cookies,
    config,
    models,
    events,
    now,
    params: request.params,
    clientId: request.client.clientId,
    prompt,
    sessionUid: session?.uid,
    result,
    ...resume,
    alongside: issued ? [sessions.issue(cookies, issued, loaded)] : [],
  });
}
