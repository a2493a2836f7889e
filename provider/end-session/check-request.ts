import type { EndSessionCheck, EndSessionCheckDeps, EndSessionRequest } from './request.ts';

/** Runs checks on a logout request or its confirmation, in order; the request records what each established. */
export async function runEndSessionChecks(
  request: EndSessionRequest,
  checks: readonly EndSessionCheck[],
  deps: EndSessionCheckDeps,
): Promise<EndSessionRequest> {
  for (const check of checks) await check(request, deps);
  return request;
}
