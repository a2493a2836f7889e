import { hmacAlgorithms } from '../client.ts';
import type { Client } from '../client.ts';
import { verifyAssertion, type AssertionCheck } from './assertion.ts';
import { ClientAuthenticationError } from './errors.ts';

/**
 * client_secret_jwt (OIDC Core §9): a JWT assertion MACed with the client secret (HS256/384/512, or exactly the
 * registered `token_endpoint_auth_signing_alg`). Only HMAC algorithms are accepted here, so an asymmetric-key
 * assertion cannot be passed off as one, and the secret never travels.
 */
export async function authenticateClientSecretJwt(
  client: Client,
  assertion: string,
  check: Omit<AssertionCheck, 'clientId' | 'algorithms'>,
): Promise<void> {
  const secret = client.jwtSecret();
  if (!secret) throw new ClientAuthenticationError('client has no secret for client_secret_jwt');
  const registered = client.metadata.token_endpoint_auth_signing_alg;
  const algorithms = registered ? [registered] : [...hmacAlgorithms];
  await verifyAssertion(assertion, new TextEncoder().encode(secret), {
    ...check,
    clientId: client.clientId,
    algorithms,
  });
}
