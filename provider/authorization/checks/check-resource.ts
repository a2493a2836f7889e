/**
 * Validates the `resource` indicator (RFC 8707 §2) when the feature is on: an absolute URI without a fragment, which
 * later selects the access token's audience. With the feature off the parameter is ignored (not advertised).
 */
import { InvalidTarget } from '../../errors/oidc-error.ts';
import type { AuthorizationCheck } from '../request.ts';

export const checkResource: AuthorizationCheck = (request, { config }) => {
  const resource = request.params.resource;
  if (resource === undefined) return;
  if (!config.features.resourceIndicators.enabled) {
    delete request.params.resource;
    return;
  }
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new InvalidTarget('resource must be an absolute URI');
  }
  if (url.hash || resource.includes('#')) throw new InvalidTarget('resource must not contain a fragment');
};
