import type { Client } from '../clients/client.ts';
import type { ProviderConfig } from '../config/options.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { AccessToken, ClientCredentials, GrantBound, RefreshToken } from '../models/types.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';
import { signJwtAccessToken } from './jwt-access-token.ts';
import { newOpaqueToken } from './opaque.ts';

/**
 * Issuing tokens: opaque values of 256 random bits, stored under their hash with the configured lifetime, or — for a
 * client whose `access_token_format` is `jwt` while `features.jwtAccessTokens` is on — JWT access tokens (RFC 9068,
 * `jwt-access-token.ts`) that are not stored. Both go through the model repository, which emits
 * `access_token.saved`/`client_credentials.saved` for opaque ones, `access_token.issued`/`client_credentials.issued`
 * for JWT ones, and `refresh_token.saved`. `aud` is the resource indicator chosen for the token (RFC 8707), if any.
 */

export interface TokenIssuerDeps {
  config: ProviderConfig;
  models: ModelRepository;
  clock: Clock;
  keys: KeystoreHolder;
}

/** Whether this client gets JWT access tokens now (the feature can be turned off after a client registered for it). */
export function usesJwtAccessTokens(config: ProviderConfig, client: Client): boolean {
  return config.features.jwtAccessTokens.enabled && client.metadata.access_token_format === 'jwt';
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

/**
 * An access token for an end-user grant (`gty`: the grant type that issued it). `subject` (the client and the
 * end-user's `sub`) lets a `jwt`-format client get a JWT access token; without it the token is opaque.
 */
export async function issueAccessToken(
  deps: TokenIssuerDeps,
  fields: GrantBound,
  gty: string,
  subject?: { client: Client; sub: string },
): Promise<{ value: string; record: AccessToken; expiresIn: number }> {
  const expiresIn = deps.config.ttl.accessToken;
  const aud = fields.resource;
  if (subject && usesJwtAccessTokens(deps.config, subject.client)) {
    const jwt = await signJwtAccessToken(
      {
        clientId: subject.client.clientId,
        sub: subject.sub,
        scope: fields.scope,
        aud: aud ?? subject.client.clientId,
        expiresIn,
        authTime: fields.authTime,
        acr: fields.acr,
        amr: fields.amr,
      },
      deps,
    );
    const record: AccessToken = {
      ...fields,
      jti: jwt.jti,
      kind: 'AccessToken',
      iat: jwt.iat,
      exp: jwt.exp,
      gty,
      format: 'jwt',
      aud: aud ?? subject.client.clientId,
    };
    await deps.models.save(record);
    return { value: jwt.value, record, expiresIn };
  }
  const { value, id } = newOpaqueToken();
  const iat = epochSeconds(deps.clock);
  const record: AccessToken = {
    ...fields,
    jti: id,
    kind: 'AccessToken',
    iat,
    exp: iat + expiresIn,
    gty,
    format: 'opaque',
  };
  if (aud !== undefined) record.aud = aud;
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

/**
 * A client-credentials token (no end-user): opaque, or a JWT access token whose `sub` is the client itself (RFC 9068
 * §2.2) for a `jwt`-format client. `resource`: the audience chosen for it (RFC 8707), if any.
 */
export async function issueClientCredentials(
  deps: TokenIssuerDeps,
  client: Client,
  scope: string,
  resource?: string,
): Promise<{ value: string; record: ClientCredentials; expiresIn: number }> {
  const expiresIn = deps.config.ttl.clientCredentials;
  if (usesJwtAccessTokens(deps.config, client)) {
    const aud = resource ?? client.clientId;
    const jwt = await signJwtAccessToken(
      { clientId: client.clientId, sub: client.clientId, scope, aud, expiresIn },
      deps,
    );
    const record: ClientCredentials = {
      jti: jwt.jti,
      kind: 'ClientCredentials',
      iat: jwt.iat,
      exp: jwt.exp,
      clientId: client.clientId,
      scope,
      format: 'jwt',
      aud,
    };
    await deps.models.save(record);
    return { value: jwt.value, record, expiresIn };
  }
  const { value, id } = newOpaqueToken();
  const iat = epochSeconds(deps.clock);
  const record: ClientCredentials = {
    jti: id,
    kind: 'ClientCredentials',
    iat,
    exp: iat + expiresIn,
    clientId: client.clientId,
    scope,
    format: 'opaque',
  };
  if (resource !== undefined) record.aud = resource;
  await deps.models.save(record);
  return { value, record, expiresIn };
}
