import type { SigningAlgorithm } from '../keys/key-file.ts';
import {
  grantTypes,
  responseTypes,
  tokenEndpointAuthMethods,
  type ClientMetadata,
  type GrantType,
  type ResponseType,
} from './client.ts';
import { checkAuthMaterial } from './auth-material.ts';
import { ClientMetadataError, RedirectUriError } from './metadata-errors.ts';
import type { OutboundPolicy } from '../outbound/policy.ts';
import { redirectUriProblem, serverUriProblem } from './uris.ts';

export { ClientMetadataError, RedirectUriError } from './metadata-errors.ts';
import { readArray, readBoolean, readString, type Field } from './read.ts';

/**
 * Client metadata validation per OpenID Connect Dynamic Client Registration 1.0 §2 and RFC 7591 §2: types, defaults,
 * grant/response type consistency, redirect URI rules, and that the authentication method has its material. Used for
 * static clients at start and by the registration endpoint. Errors are `InvalidClientMetadata` or
 * `InvalidRedirectUri` (RFC 7591 §3.2.2) that name the field (`field`), so configuration errors can point at
 * `clients[i].<field>`.
 */

/** What the provider supports, against which metadata is checked. */
export interface MetadataContext {
  /** Scopes the provider knows (`config.scopes`); a client's `scope` must be a subset. */
  scopes: readonly string[];
  /** ID token signing algorithms (`config.signingAlgorithms`); the first is the default. */
  signingAlgorithms: readonly SigningAlgorithm[];
  deviceFlow: boolean;
  jwtAccessTokens: boolean;
  backchannelLogout: boolean;
  /** Where the provider may send requests (`outbound.allow`): URIs whose host it refuses are refused at once. */
  outbound: OutboundPolicy;
}

/** Every metadata name this provider recognises (others are ignored by registration, refused in configuration). */
export const recognizedMetadata = new Set([
  'client_id',
  'client_secret',
  'client_name',
  'application_type',
  'redirect_uris',
  'post_logout_redirect_uris',
  'grant_types',
  'response_types',
  'scope',
  'token_endpoint_auth_method',
  'token_endpoint_auth_signing_alg',
  'id_token_signed_response_alg',
  'jwks',
  'jwks_uri',
  'backchannel_logout_uri',
  'backchannel_logout_session_required',
  'access_token_format',
  'client_id_issued_at',
  'client_secret_expires_at',
]);

export interface ValidatedClient {
  metadata: ClientMetadata;
  /** The presented `client_secret`, when the method uses one. */
  secret?: string;
}

/**
 * Validates and defaults client metadata. `secretRequired`: the secret must be in `input` (static clients); false
 * when the caller generates one (registration).
 */
export function validateClientMetadata(
  input: Readonly<Record<string, unknown>>,
  context: MetadataContext,
  options: { secretRequired: boolean } = { secretRequired: true },
): ValidatedClient {
  const field = (name: string): Field => ({ name, value: input[name], fail: (p) => new ClientMetadataError(name, p) });
  const clientId = readString(field('client_id'));
  if (!clientId) throw new ClientMetadataError('client_id', 'is required');
  if (!/^[\x21-\x7E]{1,255}$/.test(clientId)) throw new ClientMetadataError('client_id', 'must be 1-255 visible ASCII');

  const applicationType = readString(field('application_type')) ?? 'web';
  if (applicationType !== 'web' && applicationType !== 'native') {
    throw new ClientMetadataError('application_type', 'must be "web" or "native"');
  }
  const supportedGrants = grantTypes.filter((g) => context.deviceFlow || !g.startsWith('urn:'));
  const grants = readArray(field('grant_types'), supportedGrants) ?? ['authorization_code'];
  const defaultResponseTypes: ResponseType[] = grants.includes('authorization_code') ? ['code'] : [];
  const responses = readArray(field('response_types'), responseTypes) ?? defaultResponseTypes;
  checkGrantConsistency(grants, responses);

  const redirectUris = uriList('redirect_uris', input, applicationType);
  if (responses.length > 0 && redirectUris.length === 0) {
    throw new ClientMetadataError('redirect_uris', 'must contain at least one URI for response_types ' + responses[0]);
  }
  const postLogout = uriList('post_logout_redirect_uris', input, applicationType);

  const scope = readString(field('scope')) ?? context.scopes.join(' ');
  for (const value of scope.split(' ').filter(Boolean)) {
    if (!context.scopes.includes(value)) throw new ClientMetadataError('scope', `has unsupported scope "${value}"`);
  }

  const method = readString(field('token_endpoint_auth_method')) ?? 'client_secret_basic';
  if (!(tokenEndpointAuthMethods as readonly string[]).includes(method)) {
    throw new ClientMetadataError('token_endpoint_auth_method', `"${method}" is not supported`);
  }
  const metadata: ClientMetadata = {
    client_id: clientId,
    application_type: applicationType,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogout,
    grant_types: grants,
    response_types: responses,
    scope: scope.split(' ').filter(Boolean).join(' '),
    token_endpoint_auth_method: method as ClientMetadata['token_endpoint_auth_method'],
    id_token_signed_response_alg: idTokenAlg(readString(field('id_token_signed_response_alg')), context),
    backchannel_logout_session_required: readBoolean(field('backchannel_logout_session_required')) ?? false,
    access_token_format: accessTokenFormat(readString(field('access_token_format')), context),
  };
  const name = readString(field('client_name'));
  if (name !== undefined) metadata.client_name = name;
  if (metadata.token_endpoint_auth_method === 'none' && grants.includes('client_credentials')) {
    throw new ClientMetadataError('grant_types', 'client_credentials needs an authenticating client, not "none"');
  }
  const secret = checkAuthMaterial(input, metadata, options.secretRequired);
  checkServerUris(input, metadata, context);
  for (const numeric of ['client_id_issued_at', 'client_secret_expires_at'] as const) {
    const value = input[numeric];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw new ClientMetadataError(numeric, 'must be a non-negative integer');
    }
    metadata[numeric] = value as number;
  }
  return secret === undefined ? { metadata } : { metadata, secret };
}

/** OIDC Registration §2: `code` needs the authorization_code grant and vice versa; refresh needs a user grant. */
function checkGrantConsistency(grants: readonly GrantType[], responses: readonly ResponseType[]): void {
  if (responses.includes('code') && !grants.includes('authorization_code')) {
    throw new ClientMetadataError('grant_types', 'must include authorization_code when response_types has "code"');
  }
  if (grants.includes('authorization_code') && !responses.includes('code')) {
    throw new ClientMetadataError('response_types', 'must include "code" when grant_types has authorization_code');
  }
  if (
    grants.includes('refresh_token') &&
    !grants.includes('authorization_code') &&
    !grants.includes('urn:ietf:params:oauth:grant-type:device_code')
  ) {
    throw new ClientMetadataError('grant_types', 'refresh_token needs authorization_code or device_code');
  }
}

function uriList(name: string, input: Readonly<Record<string, unknown>>, applicationType: 'web' | 'native'): string[] {
  const value = input[name];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new ClientMetadataError(name, 'must be an array of strings');
  }
  const uris = value as string[];
  uris.forEach((uri, index) => {
    const problem = redirectUriProblem(uri, applicationType);
    if (problem) throw new RedirectUriError(`${name}[${index}]`, problem);
  });
  return [...new Set(uris)];
}

function idTokenAlg(value: string | undefined, context: MetadataContext): SigningAlgorithm {
  if (value === undefined) return context.signingAlgorithms[0] ?? 'RS256';
  if (!(context.signingAlgorithms as readonly string[]).includes(value)) {
    throw new ClientMetadataError(
      'id_token_signed_response_alg',
      `must be one of ${context.signingAlgorithms.join(', ')} (got "${value}")`,
    );
  }
  return value as SigningAlgorithm;
}

function accessTokenFormat(value: string | undefined, context: MetadataContext): 'opaque' | 'jwt' {
  if (value === undefined || value === 'opaque') return 'opaque';
  if (value === 'jwt' && context.jwtAccessTokens) return 'jwt';
  throw new ClientMetadataError(
    'access_token_format',
    context.jwtAccessTokens ? 'must be "opaque" or "jwt"' : 'must be "opaque" (JWT access tokens are not enabled)',
  );
}

/**
 * URLs the provider will call: well-formed, and not on a host the outbound policy refuses by its name or address
 * literal (an early, clear `invalid_client_metadata`; the policy is enforced again on every connection, on the
 * address a name resolves to then).
 */
function checkServerUris(
  input: Readonly<Record<string, unknown>>,
  metadata: ClientMetadata,
  context: MetadataContext,
): void {
  if (metadata.jwks_uri !== undefined) {
    const refused = outboundProblem(metadata.jwks_uri, context.outbound);
    if (refused) throw new ClientMetadataError('jwks_uri', refused);
  }
  const uri = input.backchannel_logout_uri;
  if (uri === undefined) return;
  if (!context.backchannelLogout) {
    throw new ClientMetadataError('backchannel_logout_uri', 'is not supported (back-channel logout is not enabled)');
  }
  const problem = typeof uri === 'string' ? serverUriProblem(uri) : 'must be a string';
  if (problem) throw new ClientMetadataError('backchannel_logout_uri', problem);
  const refused = outboundProblem(uri as string, context.outbound);
  if (refused) throw new ClientMetadataError('backchannel_logout_uri', refused);
  metadata.backchannel_logout_uri = uri as string;
}

function outboundProblem(uri: string, policy: OutboundPolicy): string | undefined {
  const host = URL.parse(uri)?.hostname ?? '';
  const problem = policy.hostProblem(host);
  return problem === undefined
    ? undefined
    : `must not point to an internal address (${problem}); the provider's outbound.allow can permit it`;
}
