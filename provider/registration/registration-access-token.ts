/**
 * Registration access tokens (RFC 7592 §1): the bearer credential of one registered client's configuration endpoint.
 * Issued with the registration, stored as a `RegistrationAccessToken` under the SHA-256 of its value (the value goes
 * only to the registrant), bound to one `client_id`, and destroyed with the client. Not rotated on read or update:
 * the operator keeps it in a Secret and must not lose it to a network failure between an update and its answer.
 */
import { InvalidToken } from '../errors/oidc-error.ts';
import type { ModelRepository } from '../models/repository.ts';
import type { RegistrationAccessToken } from '../models/types.ts';
import { newOpaqueToken, opaqueTokenId } from '../tokens/opaque.ts';

/** Issues the registration access token of a client (emits `registration_access_token.saved`). */
export async function issueRegistrationAccessToken(
  models: ModelRepository,
  clientId: string,
  times: { iat: number; exp: number },
): Promise<{ value: string; record: RegistrationAccessToken }> {
  const { value, id } = newOpaqueToken();
  const record: RegistrationAccessToken = { jti: id, kind: 'RegistrationAccessToken', clientId, ...times };
  await models.save(record);
  return { value, record };
}

/**
 * The stored token for a presented value, which must belong to `clientId`. Unknown, expired and other clients' tokens
 * are all the same 401 `invalid_token`, so the endpoint does not tell which client ids exist.
 */
export async function verifyRegistrationAccessToken(
  models: ModelRepository,
  value: string,
  clientId: string,
): Promise<RegistrationAccessToken> {
  const record = await models.find('RegistrationAccessToken', opaqueTokenId(value));
  if (!record || record.clientId !== clientId) throw new InvalidToken('registration access token is invalid');
  return record;
}
