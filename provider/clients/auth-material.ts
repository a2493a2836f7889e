import type { JWK } from 'jose';
import {
  asymmetricAlgorithms,
  hmacAlgorithms,
  secretAuthMethods,
  type AssertionAlgorithm,
  type ClientMetadata,
} from './client.ts';
import { checkJwks } from './jwks.ts';
import { ClientMetadataError } from './metadata-errors.ts';
import { serverUriProblem } from './uris.ts';

/**
 * The material of a client's `token_endpoint_auth_method` (OIDC Registration §2): a secret for the secret methods
 * (long enough to be an HMAC key for client_secret_jwt, RFC 7518 §3.2), public keys (`jwks` or an https `jwks_uri`,
 * never both) for private_key_jwt, a signing algorithm that fits the method — and nothing the method does not use, so
 * a misconfigured client fails at start rather than at its first token request.
 */
export function checkAuthMaterial(
  input: Readonly<Record<string, unknown>>,
  metadata: ClientMetadata,
  secretRequired: boolean,
): string | undefined {
  const method = metadata.token_endpoint_auth_method;
  const secret = input.client_secret;
  if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0)) {
    throw new ClientMetadataError('client_secret', 'must be a non-empty string');
  }
  if (secretAuthMethods.has(method)) {
    if (secret === undefined && secretRequired) {
      throw new ClientMetadataError('client_secret', `is required for token_endpoint_auth_method "${method}"`);
    }
  } else if (secret !== undefined) {
    throw new ClientMetadataError('client_secret', `must not be set for token_endpoint_auth_method "${method}"`);
  }

  const alg = input.token_endpoint_auth_signing_alg;
  if (alg !== undefined) {
    const allowed: readonly string[] =
      method === 'client_secret_jwt' ? hmacAlgorithms : method === 'private_key_jwt' ? asymmetricAlgorithms : [];
    if (typeof alg !== 'string' || !allowed.includes(alg)) {
      throw new ClientMetadataError(
        'token_endpoint_auth_signing_alg',
        allowed.length
          ? `must be one of ${allowed.join(', ')} for "${method}"`
          : `applies only to client_secret_jwt and private_key_jwt`,
      );
    }
    metadata.token_endpoint_auth_signing_alg = alg as AssertionAlgorithm;
  }
  if (method === 'client_secret_jwt' && typeof secret === 'string') {
    // RFC 7518 §3.2: an HMAC key at least as long as the hash output.
    const bits = Number((metadata.token_endpoint_auth_signing_alg ?? 'HS256').slice(2));
    if (Buffer.byteLength(secret, 'utf8') * 8 < bits) {
      throw new ClientMetadataError('client_secret', `must be at least ${bits / 8} bytes for client_secret_jwt`);
    }
  }

  const { jwks, jwks_uri: jwksUri } = input;
  if (jwks !== undefined && jwksUri !== undefined) {
    throw new ClientMetadataError('jwks', 'must not be used together with jwks_uri');
  }
  if (jwks !== undefined) {
    const problem = checkJwks(jwks);
    if (problem) throw new ClientMetadataError(`jwks${problem.at}`, problem.problem);
    metadata.jwks = jwks as { keys: JWK[] };
  }
  if (jwksUri !== undefined) {
    const problem = typeof jwksUri === 'string' ? serverUriProblem(jwksUri) : 'must be a string';
    if (problem) throw new ClientMetadataError('jwks_uri', problem);
    metadata.jwks_uri = jwksUri as string;
  }
  if (method === 'private_key_jwt' && !metadata.jwks && !metadata.jwks_uri) {
    throw new ClientMetadataError('jwks', 'or jwks_uri is required for token_endpoint_auth_method "private_key_jwt"');
  }
  return typeof secret === 'string' ? secret : undefined;
}
