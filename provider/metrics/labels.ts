import { knownErrorCodes } from '../errors/oidc-error.ts';
import type { RequestContext } from '../events/context.ts';
import { paths } from '../http/paths.ts';

/**
 * Label values are bounded (DESIGN.md "Metrics"): an error code the provider does not produce, a client that is not
 * allowed as a label, or a path that is not an endpoint all become `other`, so a hostile client cannot grow the
 * number of series.
 */
export const OTHER = 'other';

export function errorCodeLabel(code: string | undefined): string {
  return code !== undefined && knownErrorCodes.has(code) ? code : OTHER;
}

export function clientLabel(clientId: string | undefined, allowed: (clientId: string) => boolean): string {
  return clientId !== undefined && allowed(clientId) ? clientId : OTHER;
}

const routeByPath = new Map<string, string>(Object.entries(paths).map(([name, path]) => [path, name]));

/** The endpoint name of a request path (relative to the issuer), or `other`. */
export function routeLabel(path: string): string {
  const known = routeByPath.get(path);
  if (known !== undefined) return known;
  if (path.startsWith(`${paths.interaction}/`)) return 'interaction';
  // RFC 7592 client configuration endpoints: `/register/<client_id>`, one label for all clients.
  return path.startsWith(`${paths.registration}/`) ? 'registration' : OTHER;
}

/** `2xx`, `4xx`, … */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** Registration operations by method (RFC 7591 POST, RFC 7592 GET/PUT/DELETE), as their error events name them. */
const registrationOperation: Partial<Record<string, string>> = {
  POST: 'registration_create',
  GET: 'registration_read',
  PUT: 'registration_update',
  DELETE: 'registration_delete',
};

/**
 * The `endpoint` label of `kubeoidc_errors_total{error="server_error"}`: the same scheme as handled errors, which are
 * labelled by their event's prefix (`grant.error` → `grant`), so one error-ratio query over an endpoint sees both. The
 * token endpoint's route `token` is `grant`, the registration route is its operation; other routes are their name.
 */
export function errorEndpointLabel(ctx: Pick<RequestContext, 'method'> & { oidc: { route: string } }): string {
  const { route } = ctx.oidc;
  if (route === 'token') return 'grant';
  if (route === 'registration') return registrationOperation[ctx.method] ?? OTHER;
  return route;
}
