import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { asymmetricAlgorithms, type Client } from '../client.ts';
import { verifyAssertion, type AssertionCheck } from './assertion.ts';
import { ClientAuthenticationError } from './errors.ts';

/**
 * private_key_jwt (OIDC Core §9, RFC 7523): a JWT assertion signed with one of the client's registered public keys
 * (`jwks`, or fetched from `jwks_uri`). Only asymmetric algorithms are accepted — an `HS256` assertion "signed" with
 * the public key as HMAC secret, or `alg: none`, is refused before any key is touched.
 */

/** Remote key sets by URI, so keys are fetched once and refreshed by jose's cache rules; bounded. */
const remoteSets = new Map<string, JWTVerifyGetKey>();
const maxRemoteSets = 500;
/** Local key sets per client object (clients are immutable; a changed registration is a new object). */
const localSets = new WeakMap<Client, JWTVerifyGetKey>();

function clientKeys(client: Client): JWTVerifyGetKey {
  const { jwks, jwks_uri: uri } = client.metadata;
  if (jwks) {
    let set = localSets.get(client);
    if (!set) {
      set = createLocalJWKSet(jwks);
      localSets.set(client, set);
    }
    return set;
  }
  if (!uri) throw new ClientAuthenticationError('client has no keys registered for private_key_jwt');
  let set = remoteSets.get(uri);
  if (!set) {
    if (remoteSets.size >= maxRemoteSets) remoteSets.delete(remoteSets.keys().next().value ?? '');
    set = createRemoteJWKSet(new URL(uri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    remoteSets.set(uri, set);
  }
  return set;
}

export async function authenticatePrivateKeyJwt(
  client: Client,
  assertion: string,
  check: Omit<AssertionCheck, 'clientId' | 'algorithms'>,
): Promise<void> {
  const registered = client.metadata.token_endpoint_auth_signing_alg;
  const algorithms = registered ? [registered] : [...asymmetricAlgorithms];
  await verifyAssertion(assertion, clientKeys(client), { ...check, clientId: client.clientId, algorithms });
}
