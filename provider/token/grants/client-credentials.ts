import { InvalidScope } from '../../errors/oidc-error.ts';
import { issueClientCredentials } from '../../tokens/issue.ts';
import { clientCredentialsResource } from '../resource.ts';
import type { GrantHandler } from './grant.ts';

/**
 * client_credentials (RFC 6749 §4.4): a confidential client gets a token for itself. The scope must be a subset of the
 * client's registered scopes; `openid` and `offline_access` speak about an end-user and are refused here. No refresh
 * token and no ID token (§4.4.3). `resource` (RFC 8707) may name any valid resource indicator (`../resource.ts`).
 */
const endUserScopes = new Set(['openid', 'offline_access']);

export const clientCredentialsGrant: GrantHandler = async ({ client, params }, deps) => {
  const requested = [...new Set((params.scope ?? '').split(' ').filter(Boolean))];
  for (const value of requested) {
    if (endUserScopes.has(value)) throw new InvalidScope(`scope "${value}" is not available to client_credentials`);
    if (!client.scopes.has(value)) throw new InvalidScope(`scope "${value}" is not allowed for this client`);
  }
  const scope = requested.join(' ');
  const resource = clientCredentialsResource(deps.config, params.resource);
  const token = await issueClientCredentials(deps, client, scope, resource);
  return {
    access_token: token.value,
    token_type: 'Bearer',
    expires_in: token.expiresIn,
    ...(scope ? { scope } : {}),
  };
};
