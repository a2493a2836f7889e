import { randomBase64url } from '../models/random.ts';
import type { ProviderConfig } from '../config/options.ts';
import { ServerError } from '../errors/oidc-error.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import { signCompactJws } from '../keys/sign-jws.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';

/**
 * JWT access tokens (RFC 9068), for clients whose `access_token_format` is `jwt` while `features.jwtAccessTokens` is
 * on. They are signed by the authorization server, not per client: with the active key of the provider's default
 * algorithm (the first of `signingAlgorithms`, RS256 unless configured otherwise), header `typ: at+jwt` and the key's
 * `kid`, so a resource server verifies them against the published JWKS. Claims (§2.2): `iss exp aud sub client_id iat
 * jti`, `scope` when one was granted, and `auth_time`/`acr`/`amr` when the end-user authentication has them. `aud` is
 * the resource indicator chosen for the token (RFC 8707) or, when none was, the `client_id` (RFC 9068 requires an
 * audience; the client itself is the one party the token is certainly meant for). `sub` is the end-user's subject, or
 * the `client_id` for client_credentials (§2.2). They are never stored: nothing is looked up by them, and they stay
 * valid until `exp` (revocation and introspection refuse them with `unsupported_token_type`).
 */

export interface JwtAccessTokenClaims {
  clientId: string;
  /** End-user subject, or the client id for client_credentials. */
  sub: string;
  /** Space-separated granted scope ('' = none). */
  scope: string;
  aud: string;
  /** Lifetime (s). */
  expiresIn: number;
  authTime?: number | undefined;
  acr?: string | undefined;
  amr?: readonly string[] | undefined;
}

export interface JwtAccessTokenDeps {
  config: ProviderConfig;
  keys: KeystoreHolder;
  clock: Clock;
}

/** The `typ` header value of RFC 9068 §2.1. */
export const accessTokenJwtType = 'at+jwt';

/** The algorithm JWT access tokens are signed with: the provider's default (first configured) algorithm. */
export function accessTokenAlgorithm(config: ProviderConfig): ProviderConfig['signingAlgorithms'][number] {
  return config.signingAlgorithms[0] ?? 'RS256';
}

/** Signs a JWT access token; resolves its value and the `jti`, `iat` and `exp` it carries. */
export async function signJwtAccessToken(
  claims: JwtAccessTokenClaims,
  deps: JwtAccessTokenDeps,
): Promise<{ value: string; jti: string; iat: number; exp: number }> {
  const alg = accessTokenAlgorithm(deps.config);
  const key = deps.keys.current.signingKey(alg);
  if (!key) throw new ServerError(`no active signing key for ${alg}`);
  const iat = epochSeconds(deps.clock);
  const exp = iat + claims.expiresIn;
  const jti = randomBase64url(18);
  const payload: Record<string, unknown> = { client_id: claims.clientId };
  if (claims.scope) payload.scope = claims.scope;
  if (claims.authTime !== undefined) payload.auth_time = claims.authTime;
  if (claims.acr !== undefined) payload.acr = claims.acr;
  if (claims.amr !== undefined && claims.amr.length > 0) payload.amr = [...claims.amr];
  payload.iss = deps.config.issuer;
  payload.sub = claims.sub;
  payload.aud = claims.aud;
  payload.iat = iat;
  payload.exp = exp;
  payload.jti = jti;
  const value = await signCompactJws(payload, key, accessTokenJwtType);
  return { value, jti, iat, exp };
}
