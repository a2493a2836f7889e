import { randomUUID } from 'node:crypto';
import type { Client } from '../clients/client.ts';
import type { KeystoreHolder } from '../keys/keystore.ts';
import { signCompactJws } from '../keys/sign-jws.ts';

/**
 * The Logout Token (OIDC Back-Channel Logout 1.0 §2.4): a JWT of type `logout+jwt` signed like the client's ID tokens
 * (its `id_token_signed_response_alg`, the active key), with `iss`, `aud` = the client, `iat`, a short `exp`, a random
 * `jti`, the `events` member naming back-channel logout, and never a `nonce` (so it cannot pass for an ID token).
 * It carries `sub` when the account still exists and always the client's `sid`: the provider advertises
 * `backchannel_logout_session_supported`, and `sid` is what an RP with `backchannel_logout_session_required` needs.
 */

export const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

/** Lifetime of a logout token (s): it is delivered at once, so a short window is enough (the spec: "two minutes"). */
export const logoutTokenTtl = 120;

export interface LogoutTokenInput {
  issuer: string;
  client: Client;
  /** The account's subject identifier (`sub`), when the account still exists. */
  sub?: string;
  /** The session's `sid` for this client. */
  sid: string;
  /** Now (s). */
  now: number;
}

/** Signs a logout token. Throws when no active key serves the client's algorithm (the provider's fault). */
export async function signLogoutToken(input: LogoutTokenInput, keys: KeystoreHolder): Promise<string> {
  const alg = input.client.metadata.id_token_signed_response_alg;
  const key = keys.current.signingKey(alg);
  if (!key) throw new Error(`no active signing key for ${alg}`);
  const payload: Record<string, unknown> = {
    events: { [backchannelLogoutEvent]: {} },
    sid: input.sid,
    iss: input.issuer,
    aud: input.client.clientId,
    iat: input.now,
    exp: input.now + logoutTokenTtl,
    jti: randomUUID(),
  };
  if (input.sub !== undefined) payload.sub = input.sub;
  return signCompactJws(payload, key, 'logout+jwt');
}
