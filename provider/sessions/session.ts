import type { ClientRef } from '../clients/incarnation.ts';
import { shortId } from '../models/ids.ts';
import type { Session, SessionAuthorization } from '../models/types.ts';
import { newOpaqueToken } from '../tokens/opaque.ts';

/**
 * The end-user session as a value: created, logged in, authorizing clients. Pure (no storage, no HTTP); the
 * `SessionService` stores what these return. The cookie carries a 256-bit random value and the record is stored under
 * its SHA-256 (`jti`), like every bearer secret (`tokens/opaque.ts`). The value changes on every login, so a session
 * id known before login is worthless after it (session fixation); the `uid` stays for the session's whole life, as
 * logout and back-channel notifications need a stable handle.
 */

export interface LoginResult {
  accountId: string;
  /** When the end-user authenticated (s): the `auth_time`. */
  loginTs: number;
  acr?: string;
  amr?: string[];
}

/** A session record and the cookie value that finds it (only ever sent to the browser). */
export interface IssuedSession {
  session: Session;
  cookieValue: string;
}

/**
 * The session after a login. The same account logging in again keeps the uid and the clients it authorized (a
 * re-authentication for `prompt=login` or `max_age`); a different account gets a session of its own, since nothing
 * authorized for the previous account may carry over.
 */
export function loggedIn(current: Session | undefined, login: LoginResult, now: number, ttl: number): IssuedSession {
  const sameAccount = current?.accountId !== undefined && current.accountId === login.accountId;
  const { value, id } = newOpaqueToken();
  const session: Session = {
    jti: id,
    kind: 'Session',
    iat: now,
    exp: now + ttl,
    uid: current && sameAccount ? current.uid : shortId(),
    accountId: login.accountId,
    loginTs: login.loginTs,
    authorizations: current && sameAccount ? { ...current.authorizations } : {},
  };
  if (login.acr !== undefined) session.acr = login.acr;
  if (login.amr !== undefined) session.amr = [...login.amr];
  return { session, cookieValue: value };
}

/**
 * Records that a client was authorized in this session under a grant, keeping the client's `sid` if it had one: the
 * `sid` claim stays stable for a client for the session's life (OIDC Front/Back-Channel Logout). The entry names the
 * client's incarnation, so a client registered again under the same id gets a fresh `sid`.
 */
export function authorizeClient(session: Session, client: ClientRef, grantId: string): SessionAuthorization {
  const authorization: SessionAuthorization = { sid: clientAuthorization(session, client)?.sid ?? shortId(), grantId };
  if (client.incarnation !== undefined) authorization.clientIncarnation = client.incarnation;
  session.authorizations[client.clientId] = authorization;
  return authorization;
}

/**
 * What the session recorded for a client (its `sid` and grant), if this client — this incarnation of its id — was
 * authorized in it. An entry left by a deleted client of the same id does not count.
 */
export function clientAuthorization(session: Session, client: ClientRef): SessionAuthorization | undefined {
  const entry = Object.hasOwn(session.authorizations, client.clientId)
    ? session.authorizations[client.clientId]
    : undefined;
  return entry?.clientIncarnation === client.incarnation ? entry : undefined;
}

/** Seconds since the end-user authenticated, or undefined when nobody is logged in. */
export function authenticationAge(session: Session | undefined, now: number): number | undefined {
  return session?.accountId !== undefined && session.loginTs !== undefined ? now - session.loginTs : undefined;
}
