import type { Session } from '../models/types.ts';

/**
 * What a request resolved, handed to event listeners as `ctx.oidc` (EVENTS.md). Built by the HTTP layer from the
 * request; listeners never see express objects.
 */
export interface OidcContext {
  /** Route id: `authorization`, `token`, `userinfo`, `discovery`, `jwks`, … (metric label). */
  route: string;
  /** Validated request parameters (secrets such as `client_secret`, `code`, tokens are never copied here). */
  params: Record<string, string>;
  /** The client, once identified. */
  client?: { clientId: string; metadata: Record<string, unknown> };
  session?: Session;
  accountId?: string;
  /** Grant type at the token endpoint. */
  grantType?: string;
}

/** The request context passed to event listeners. */
export interface RequestContext {
  /** Random id of the request (also in logs). */
  requestId: string;
  method: string;
  /** Path without query. */
  path: string;
  /** Client address as the server sees it. */
  ip: string;
  oidc: OidcContext;
}
