import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { ProviderConfig } from '../config/options.ts';
import { InvalidToken } from '../errors/oidc-error.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import type { Clock } from '../time/clock.ts';
import { accessTokenJwtType } from './jwt-access-token.ts';

/**
 * Verifies a JWT access token this provider issued (RFC 9068 §4), for the provider's own protected resource (userinfo):
 * header `typ: at+jwt`, a `kid` among our published keys with that key's algorithm, a valid signature, our `iss`, an
 * unexpired `exp` (by the injected clock), and the claims RFC 9068 §2.2 makes mandatory. `aud` is returned, not
 * checked here: the resource decides which audiences it serves (userinfo: `userinfo/audience.ts`). Any failure is
 * `invalid_token`, without saying which check failed.
 */

export interface VerifiedAccessToken {
  clientId: string;
  sub: string;
  scope: string;
  iat: number;
  exp: number;
  aud: string[];
}

export async function verifyJwtAccessToken(
  value: string,
  deps: { config: ProviderConfig; keys: KeystoreHolder; clock: Clock },
): Promise<VerifiedAccessToken> {
  const invalid = new InvalidToken('access token is invalid or expired');
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(value).kid;
  } catch {
    throw invalid;
  }
  const key = kid === undefined ? undefined : deps.keys.current.verificationKey(kid);
  if (!key) throw invalid;
  try {
    const { payload } = await jwtVerify(value, key.key, {
      algorithms: [key.alg],
      issuer: deps.config.issuer,
      typ: accessTokenJwtType,
      currentDate: new Date(deps.clock.now()),
      requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti', 'aud'],
    });
    const { client_id: clientId, scope } = payload;
    if (typeof clientId !== 'string' || (scope !== undefined && typeof scope !== 'string')) throw invalid;
    return {
      clientId,
      sub: payload.sub as string,
      scope: scope ?? '',
      iat: payload.iat as number,
      exp: payload.exp as number,
      aud: typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []),
    };
  } catch (error) {
    if (error instanceof InvalidToken || error instanceof errors.JOSEError) throw invalid;
    throw error;
  }
}
