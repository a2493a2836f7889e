import type { Client } from '../clients/client.ts';
import type { ProviderConfig } from '../config/options.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { AccessToken, ClientCredentials, GrantBound, RefreshToken } from '../models/types.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';
import { newOpaqueToken } from './opaque.ts';

/**
 * Issuing the stored tokens: opaque values of 256 random bits, stored under their hash with the configured lifetime.
 * Saving goes through the model repository, which emits `access_token.saved`, `refresh_token.saved` and
 * `client_credentials.saved`.
 */

export interface TokenIssuerDeps {
  config: ProviderConfig;
  models: ModelRepository;
  clock: Clock;
}

/** The grant-bound fields a new token copies from the code or refresh token it comes from. */
export function grantFields(source: GrantBound): GrantBound {
  const fields: GrantBound = {
    accountId: source.accountId,
    clientId: source.clientId,
    grantId: source.grantId,
    scope: source.scope,
  };
  for (const key of ['claims', 'sessionUid', 'sid', 'authTime', 'acr', 'amr', 'resource'] as const) {
    if (source[key] !== undefined) Object.assign(fields, { [key]: source[key] });
  }
  return fields;
}

/** An opaque access token for an end-user grant (`gty`: the grant type that issued it). */
export async function issueAccessToken(
  deps: TokenIssuerDeps,
  fields: GrantBound,
  gty: string,
): Promise<{ value: string; record: AccessToken; expiresIn: number }> {
  const { value, id } = newOpaqueToken();
  const iat = epochSeconds(deps.clock);
  const expiresIn = deps.config.ttl.accessToken;
  const record: AccessToken = {
    ...fields,
    jti: id,
    kind: 'AccessToken',
    iat,
    exp: iat + expiresIn,
    gty,
    format: 'opaque',
  };
  await deps.models.save(record);
  return { value, record, expiresIn };
}

/** A refresh token. `exp` defaults to the configured lifetime; rotation passes the absolute expiry it keeps. */
export async function issueRefreshToken(
  deps: TokenIssuerDeps,
  fields: GrantBound & { nonce?: string },
  options: { gty: string; rotations: number; exp?: number },
): Promise<{ value: string; record: RefreshToken }> {
  const { value, id } = newOpaqueToken();
  const iat = epochSeconds(deps.clock);
  const record: RefreshToken = {
    ...fields,
    jti: id,
    kind: 'RefreshToken',
    iat,
    exp: options.exp ?? iat + deps.config.ttl.refreshToken,
    gty: options.gty,
    rotations: options.rotations,
  };
  await deps.models.save(record);
  return { value, record };
}

/** An opaque client-credentials token (no end-user). */
export async function issueClientCredentials(
  deps: TokenIssuerDeps,
  client: Client,
  scope: string,
): Promise<{ value: string; record: ClientCredentials; expiresIn: number }> {
  const { value, id } = newOpaqueToken();
  const iat = epochSeconds(deps.clock);
  const expiresIn = deps.config.ttl.clientCredentials;
  const record: ClientCredentials = {
    jti: id,
    kind: 'ClientCredentials',
    iat,
    exp: iat + expiresIn,
    clientId: client.clientId,
    scope,
    format: 'opaque',
  };
  await deps.models.save(record);
  return { value, record, expiresIn };
}
