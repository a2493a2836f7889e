/**
 * Brings the provider's registration in line with the spec, through the injected {@link RegistrationApi}:
 *
 * - nothing recorded → register (RFC 7591);
 * - recorded, but the provider does not know the client any more (read answers 404/401: lost storage, or deleted by
 *   hand) → register again, under the same `client_id` when the spec names one;
 * - recorded and known, metadata changed since the last write → update (RFC 7592 PUT with the current `client_id`
 *   and `client_secret`, which the provider keeps: no rotation);
 * - otherwise nothing.
 *
 * The client secret is never rotated here: it changes only when the provider issues a new one (a new registration,
 * or a change of authentication method that cannot use the old secret).
 */
import { metadataHash, usesClientSecret } from './metadata.ts';
import type { RecordedRegistration } from './recorded.ts';
import type { ClientMetadata, RegisteredClient, RegistrationApi, RegistrationTarget } from './registration-api.ts';
import type { OIDCClientSpec } from '../kube/crds.ts';

/** What {@link ensureRegistered} did. */
export type RegistrationAction = 'registered' | 'reregistered' | 'updated' | 'unchanged';

/** The registration as it now stands, and what was done to get there. */
export interface EnsuredRegistration {
  readonly recorded: RecordedRegistration;
  readonly action: RegistrationAction;
}

function record(
  spec: OIDCClientSpec,
  hash: string,
  answer: RegisteredClient,
  previous: RecordedRegistration | undefined,
): RecordedRegistration {
  return {
    provider: spec.providerRef.name,
    requestedClientId: spec.clientId,
    metadataHash: hash,
    clientId: answer.clientId,
    // The provider returns the secret only when it issues one; otherwise the one on record still stands.
    clientSecret: answer.clientSecret ?? (usesClientSecret(spec) ? previous?.clientSecret : undefined),
    registrationAccessToken: answer.registrationAccessToken ?? previous?.registrationAccessToken ?? '',
    registrationClientUri: answer.registrationClientUri ?? previous?.registrationClientUri ?? '',
  };
}

/** Registers, re-registers or updates as needed; throws the API's errors. */
export async function ensureRegistered(
  api: RegistrationApi,
  target: RegistrationTarget,
  spec: OIDCClientSpec,
  metadata: ClientMetadata,
  recorded: RecordedRegistration | undefined,
): Promise<EnsuredRegistration> {
  const hash = metadataHash(metadata);
  if (recorded === undefined) {
    return { recorded: record(spec, hash, await api.register(target, metadata), undefined), action: 'registered' };
  }
  const current = await api.read(target, recorded);
  if (current !== undefined && recorded.metadataHash === hash) return { recorded, action: 'unchanged' };
  if (current !== undefined) {
    const body = {
      ...metadata,
      client_id: recorded.clientId,
      ...(recorded.clientSecret === undefined ? {} : { client_secret: recorded.clientSecret }),
    };
    const updated = await api.update(target, recorded, body);
    // The answer to a PUT carries no registration access token (docs/registration.md): the one on record stays.
    if (updated !== undefined) return { recorded: record(spec, hash, updated, recorded), action: 'updated' };
  }
  return { recorded: record(spec, hash, await api.register(target, metadata), undefined), action: 'reregistered' };
}
