import { authorizationChecks } from './checks/index.ts';
import type { RawParameters } from './parameters.ts';
import { newAuthorizationRequest, type AuthorizationRequest, type CheckDeps } from './request.ts';

/**
 * Runs every check on an authorization request, in order. `onProgress` receives the request before the first check,
 * so an error thrown midway can still be redirected when the redirect URI was already trusted. `options.pushed` says
 * whether the parameters came through PAR (see `AuthorizationRequest.pushed`).
 */
export async function checkAuthorizationRequest(
  input: RawParameters,
  deps: CheckDeps,
  onProgress?: (request: AuthorizationRequest) => void,
  options: { pushed?: boolean } = {},
): Promise<AuthorizationRequest> {
  const request = newAuthorizationRequest(input, options.pushed);
  onProgress?.(request);
  for (const check of authorizationChecks) {
    const pending = check(request, deps);
    // Most checks are synchronous; only a promise is awaited (a request is checked up to five times per sign-in).
    if (pending instanceof Promise) await pending;
  }
  return request;
}
