import { InvalidRequest } from '../../errors/oidc-error.ts';
import { epochSeconds } from '../../time/clock.ts';
import type { Client, TokenEndpointAuthMethod } from '../client.ts';
import { assertionSubject, assertionType } from './assertion.ts';
import { isBasic, parseBasic } from './client-secret-basic.ts';
import { authenticateClientSecretJwt } from './client-secret-jwt.ts';
import { parsePost } from './client-secret-post.ts';
import { ClientAuthenticationError } from './errors.ts';
import { parseNone } from './none.ts';
import { authenticatePrivateKeyJwt } from './private-key-jwt.ts';
import type { ClientAuthDeps, ClientAuthRequest } from './request.ts';

/**
 * Client authentication at the token endpoint (and any other endpoint that authenticates clients): finds which one
 * method the request uses (RFC 6749 §2.3: never more than one), finds the client, requires that method to be the
 * client's registered `token_endpoint_auth_method` (either shared-secret method for a client registered for one of
 * them, unless `strictSecretMethod`), and verifies the credentials. Every failure is 401
 * `invalid_client`, with a Basic challenge when the client tried Basic.
 */

export interface AuthenticatedClient {
  client: Client;
  method: TokenEndpointAuthMethod;
}

/**
 * One shared secret sent two ways (RFC 6749 §2.3.1): unless `strictSecretMethod`, a client registered for either may
 * use either, as oidc-provider and Keycloak allow — relying-party libraries pick one without asking.
 */
const sharedSecretMethods: ReadonlySet<string> = new Set(['client_secret_basic', 'client_secret_post']);

type Presented =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; secret: string }
  | { method: 'jwt'; clientId: string; assertion: string }
  | { method: 'none'; clientId: string };

/** The one authentication method the request presents. */
function presented(request: ClientAuthRequest): Presented {
  const { body } = request;
  const { authorization } = request;
  const basic = isBasic(authorization);
  const jwt = body.client_assertion !== undefined || body.client_assertion_type !== undefined;
  const post = body.client_secret !== undefined;
  if (Number(basic) + Number(jwt) + Number(post) > 1) {
    throw new InvalidRequest('the client must use exactly one authentication method (RFC 6749 §2.3)');
  }
  if (isBasic(authorization)) {
    const { clientId, secret } = parseBasic(authorization);
    if (body.client_id !== undefined && body.client_id !== clientId) {
      throw new InvalidRequest('client_id in the body differs from the one in the Authorization header');
    }
    return { method: 'client_secret_basic', clientId, secret };
  }
  if (jwt) {
    if (body.client_assertion_type !== assertionType) {
      throw new InvalidRequest(`client_assertion_type must be ${assertionType}`);
    }
    const assertion = body.client_assertion;
    if (!assertion) throw new InvalidRequest('client_assertion is required with client_assertion_type');
    const clientId = assertionSubject(assertion);
    if (body.client_id !== undefined && body.client_id !== clientId) {
      throw new ClientAuthenticationError('client_id differs from the sub of client_assertion');
    }
    return { method: 'jwt', clientId, assertion };
  }
  if (post) {
    const credentials = parsePost(body);
    if (!credentials) throw new InvalidRequest('client_secret needs client_id');
    return { method: 'client_secret_post', ...credentials };
  }
  const clientId = parseNone(body);
  if (!clientId) throw new ClientAuthenticationError('no client authentication included and no client_id given');
  return { method: 'none', clientId };
}

/** Authenticates the client of a request; throws `invalid_client` (or `invalid_request` for malformed input). */
export async function authenticateClient(
  request: ClientAuthRequest,
  deps: ClientAuthDeps,
): Promise<AuthenticatedClient> {
  const challenge = isBasic(request.authorization) ? 'Basic' : undefined;
  const credentials = presented(request);
  const client = await deps.clients.find(credentials.clientId);
  if (!client) throw new ClientAuthenticationError('client is unknown', challenge);
  try {
    return await authenticateKnown(request, deps, client, credentials, challenge);
  } catch (error) {
    // Every failure from here on is about a registered client: say which (ClientAuthenticationError.claimedClientId).
    if (error instanceof ClientAuthenticationError && error.claimedClientId === undefined) {
      throw new ClientAuthenticationError(error.errorDescription, error.challenge, client.clientId);
    }
    throw error;
  }
}

/** The checks once the client the request names was found. */
async function authenticateKnown(
  request: ClientAuthRequest,
  deps: ClientAuthDeps,
  client: Client,
  credentials: Presented,
  challenge: 'Basic' | undefined,
): Promise<AuthenticatedClient> {
  const registered = client.metadata.token_endpoint_auth_method;
  const used: TokenEndpointAuthMethod =
    credentials.method === 'jwt'
      ? registered === 'client_secret_jwt' || registered === 'private_key_jwt'
        ? registered
        : 'private_key_jwt'
      : credentials.method;
  if (
    used !== registered &&
    !(sharedSecretMethods.has(used) && sharedSecretMethods.has(registered) && !deps.strictSecretMethod)
  ) {
    throw new ClientAuthenticationError(
      `client is registered for token_endpoint_auth_method "${registered}", not "${used}"`,
      challenge,
    );
  }
  const expiresAt = client.metadata.client_secret_expires_at;
  if (expiresAt && expiresAt <= epochSeconds(deps.clock) && used !== 'none' && used !== 'private_key_jwt') {
    throw new ClientAuthenticationError('client secret has expired', challenge);
  }
  const check = {
    audience: [...new Set([deps.issuer, deps.tokenEndpointUrl, request.endpointUrl])],
    clock: deps.clock,
    models: deps.models,
    maxLifetime: deps.assertionMaxLifetime,
  };
  switch (credentials.method) {
    case 'client_secret_basic':
    case 'client_secret_post':
      if (!(await client.verifySecret(credentials.secret))) {
        throw new ClientAuthenticationError('client secret is invalid', challenge);
      }
      break;
    case 'jwt':
      if (used === 'client_secret_jwt') await authenticateClientSecretJwt(client, credentials.assertion, check);
      else await authenticatePrivateKeyJwt(client, credentials.assertion, check, deps.outbound);
      break;
    case 'none':
      break;
  }
  return { client, method: used };
}
