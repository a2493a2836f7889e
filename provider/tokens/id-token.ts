import type { Account } from '../accounts/account-store.ts';
import type { Client } from '../clients/client.ts';
import type { ProviderConfig } from '../config/options.ts';
import { ServerError } from '../errors/oidc-error.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import { signCompactJws } from '../keys/sign-jws.ts';
import type { GrantBound } from '../models/types.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';
import { tokenHash } from './hash.ts';
import { releasedClaims } from './released-claims.ts';

/**
 * ID tokens (OIDC Core §2, §3.1.3.6, §12.2), signed with the active key of the client's `id_token_signed_response_alg`
 * (RS256 by default; PS256, ES256, EdDSA). Claims: `iss sub aud exp iat` always; `auth_time`, `nonce`, `acr`, `amr`,
 * `sid` when the authentication has them; `at_hash`/`c_hash` for the access token/code issued with it; `azp` only when
 * the audience is not the client alone. End-user claims come from the account, as the scope and the `claims` parameter
 * request and the end-user consented.
 */

export interface IdTokenInput {
  client: Client;
  account: Account;
  /** The authentication and grant the token speaks for. */
  fields: GrantBound;
  nonce?: string | undefined;
  /** The access token issued in the same response (→ `at_hash`). */
  accessToken?: string;
  /** The authorization code issued in the same response (→ `c_hash`). */
  code?: string;
  /** Individual claims consented to beyond the scopes (Grant.claims). */
  consentedClaims: readonly string[];
  /** Scope claims go into the ID token only when no access token is issued with it (OIDC Core §5.4). */
  includeScopeClaims: boolean;
}

export interface IdTokenDeps {
  config: ProviderConfig;
  keys: KeystoreHolder;
  clock: Clock;
}

/** Signs an ID token. A missing active key for the client's algorithm is the provider's fault: `server_error`. */
export async function signIdToken(input: IdTokenInput, deps: IdTokenDeps): Promise<string> {
  const alg = input.client.metadata.id_token_signed_response_alg;
  const key = deps.keys.current.signingKey(alg);
  if (!key) throw new ServerError(`no active signing key for ${alg}`);
  const { fields } = input;
  const iat = epochSeconds(deps.clock);
  const payload: Record<string, unknown> = releasedClaims({
    account: input.account,
    scope: fields.scope,
    claims: fields.claims,
    target: 'id_token',
    includeScopeClaims: input.includeScopeClaims,
    consented: input.consentedClaims,
  });
  if (fields.authTime !== undefined) payload.auth_time = fields.authTime;
  if (input.nonce !== undefined) payload.nonce = input.nonce;
  if (fields.acr !== undefined) payload.acr = fields.acr;
  if (fields.amr !== undefined && fields.amr.length > 0) payload.amr = fields.amr;
  if (fields.sid !== undefined) payload.sid = fields.sid;
  if (input.accessToken !== undefined) payload.at_hash = tokenHash(input.accessToken, alg);
  if (input.code !== undefined) payload.c_hash = tokenHash(input.code, alg);
  // The registered claims last: an account claim of the same name never overrides them.
  payload.iss = deps.config.issuer;
  payload.sub = input.account.sub;
  payload.aud = input.client.clientId;
  payload.iat = iat;
  payload.exp = iat + deps.config.ttl.idToken;
  return signCompactJws(payload, key, 'JWT');
}
