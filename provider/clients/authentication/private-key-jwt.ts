import { createLocalJWKSet, createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import { policedJwksFetch } from '../../outbound/jose-fetch.ts';
import { defaultOutboundPolicy } from '../../outbound/of-config.ts';
import type { OutboundPolicy } from '../../outbound/policy.ts';
import { asymmetricAlgorithms, type Client } from '../client.ts';
import { verifyAssertion, type AssertionCheck } from './assertion.ts';
import { ClientAuthenticationError } from './errors.ts';

/**
 * private_key_jwt (OIDC Core §9, RFC 7523): a JWT assertion signed with one of the client's registered public keys
 * (`jwks`, or fetched from `jwks_uri`). Only asymmetric algorithms are accepted — an `HS256` assertion "signed" with
 * the public key as HMAC secret, or `alg: none`, is refused before any key is touched.
 */

/**
 * Remote key sets by outbound policy (one per provider configuration) and URI, so keys are fetched once and refreshed
 * by jose's cache rules; bounded. Fetched under the outbound policy (`provider/outbound/`).
 */
const remoteSets = new WeakMap<OutboundPolicy, Map<string, JWTVerifyGetKey>>();
const maxRemoteSets = 500;
const jwksTimeoutMs = 5000;
/** Local key sets per client object (clients are immutable; a changed registration is a new object). */
const localSets = new WeakMap<Client, JWTVerifyGetKey>();

function clientKeys(client: Client, policy: OutboundPolicy): JWTVerifyGetKey {
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
  let sets = remoteSets.get(policy);
  if (!sets) {
    sets = new Map();
    remoteSets.set(policy, sets);
  }
  let set = sets.get(uri);
  if (!set) {
    if (sets.size >= maxRemoteSets) sets.delete(sets.keys().next().value ?? '');
    set = createRemoteJWKSet(new URL(uri), {
      timeoutDuration: jwksTimeoutMs,
      cooldownDuration: 30_000,
      [customFetch]: policedJwksFetch(policy, jwksTimeoutMs),
    });
    sets.set(uri, set);
  }
  return set;
}

export async function authenticatePrivateKeyJwt(
  client: Client,
  assertion: string,
  check: Omit<AssertionCheck, 'clientId' | 'algorithms'>,
  policy: OutboundPolicy = defaultOutboundPolicy,
): Promise<void> {
  const registered = client.metadata.token_endpoint_auth_signing_alg;
  const algorithms = registered ? [registered] : [...asymmetricAlgorithms];
  await verifyAssertion(assertion, clientKeys(client, policy), { ...check, clientId: client.clientId, algorithms });
}
