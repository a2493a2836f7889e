/**
 * Initial access tokens (RFC 7591 §1.2, §3): the bearer credential that authorises a registration request. Two
 * sources, checked in order: static tokens of the configuration (`features.registration.initialAccessTokens`, given by
 * SHA-256 hex only so a ConfigMap holds no secret — what the operator renders), and stored `InitialAccessToken`
 * records (made by `kubeoidc create-initial-access-token`, kept under the SHA-256 of their value like every opaque
 * token, expiring). Neither is consumed by a registration: the operator registers many clients with one token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { StaticInitialAccessToken } from '../config/options.ts';
import { InvalidToken } from '../errors/oidc-error.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { InitialAccessToken } from '../models/types.ts';
import { epochSeconds, type Clock } from '../time/clock.ts';
import { newOpaqueToken, opaqueTokenId } from '../tokens/opaque.ts';

/** What a presented initial access token allows. */
export interface InitialAccessGrant {
  /** `client_id`: the registration may choose its own `client_id`. */
  policies: ReadonlySet<string>;
}

/** Policies an initial access token may carry. */
export const initialAccessTokenPolicies = ['client_id'] as const;

/** Lowercase hex SHA-256 of a token, the form `initialAccessTokens[].sha256` takes. */
export function staticTokenHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function matchesStatic(
  value: string,
  configured: readonly StaticInitialAccessToken[],
): StaticInitialAccessToken | undefined {
  const presented = Buffer.from(staticTokenHash(value), 'hex');
  // Every entry is compared (no early exit), in constant time per entry.
  let found: StaticInitialAccessToken | undefined;
  for (const entry of configured) {
    const expected = Buffer.from(entry.sha256, 'hex');
    if (expected.length === presented.length && timingSafeEqual(expected, presented)) found ??= entry;
  }
  return found;
}

/** Checks a presented initial access token; throws 401 `invalid_token` when it is neither configured nor stored. */
export async function verifyInitialAccessToken(
  value: string,
  deps: { configured: readonly StaticInitialAccessToken[]; models: ModelRepository },
): Promise<InitialAccessGrant> {
  const configured = matchesStatic(value, deps.configured);
  if (configured) return { policies: new Set(configured.policies ?? []) };
  const stored = await deps.models.find('InitialAccessToken', opaqueTokenId(value));
  if (stored) return { policies: new Set(stored.policies ?? []) };
  throw new InvalidToken('initial access token is invalid or expired');
}

/**
 * Stores a new initial access token (emits `initial_access_token.saved`) and returns its value, which exists nowhere
 * else: the record holds only its hash.
 */
export async function createInitialAccessToken(
  deps: { models: ModelRepository; clock: Clock },
  options: { expiresIn: number; policies?: readonly (typeof initialAccessTokenPolicies)[number][] },
): Promise<{ value: string; record: InitialAccessToken }> {
  const { value, id } = newOpaqueToken();
  const iat = epochSeconds(deps.clock);
  const record: InitialAccessToken = { jti: id, kind: 'InitialAccessToken', iat, exp: iat + options.expiresIn };
  if (options.policies && options.policies.length > 0) record.policies = [...options.policies];
  await deps.models.save(record);
  return { value, record };
}

/** Destroys a stored initial access token by its value (emits `initial_access_token.destroyed`); false if unknown. */
export async function destroyInitialAccessToken(models: ModelRepository, value: string): Promise<boolean> {
  const record = await models.find('InitialAccessToken', opaqueTokenId(value));
  if (!record) return false;
  await models.destroy('InitialAccessToken', record);
  return true;
}
