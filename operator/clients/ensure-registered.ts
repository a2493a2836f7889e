/**
 * Brings the provider's registration in line with the spec, through the injected {@link RegistrationApi}:
 *
 * - nothing recorded → register (RFC 7591) under the client id of the intent: `spec.clientId`, or one the operator
 *   generates — and writes down, as an intent in the registration Secret, **before** the POST;
 * - recorded, but the provider does not know the client any more (read answers 404/401: lost storage, or deleted by
 *   hand) → register again under the same client id, again intent first;
 * - recorded and known, metadata changed since the last write → update (RFC 7592 PUT with the current `client_id`
 *   and `client_secret`, which the provider keeps: no rotation);
 * - otherwise nothing.
 *
 * Registering never creates a second client for one OIDCClient: the client id is fixed before the first POST, so a
 * repeated POST (after its answer was lost: a timeout, a failed write of the record, a restart) is refused by the
 * provider as `client_id is already in use`. An answer whose record could not be written is kept in memory
 * ({@link UnrecordedRegistrations}) and written by the next attempt instead of registering again.
 *
 * The client secret is never rotated here: it changes only when the provider issues a new one (a new registration,
 * or a change of authentication method that cannot use the old secret).
 */
import { randomBytes } from 'node:crypto';
import { metadataHash, usesClientSecret } from './metadata.ts';
import type { RecordState, RecordedRegistration, RegistrationIntent } from './recorded.ts';
import {
  RegistrationRejectedError,
  type ClientMetadata,
  type RegisteredClient,
  type RegistrationApi,
  type RegistrationTarget,
} from './registration-api.ts';
import type { UnrecordedRegistrations } from './unrecorded.ts';
import type { OIDCClientSpec } from '../kube/crds.ts';

/** What {@link ensureRegistered} did. */
export type RegistrationAction = 'registered' | 'reregistered' | 'updated' | 'unchanged';

/** The registration as it now stands, and what was done to get there. */
export interface EnsuredRegistration {
  readonly recorded: RecordedRegistration;
  readonly action: RegistrationAction;
}

/** Where the registration is made and how it is recorded. */
export interface RegistrationContext {
  readonly api: RegistrationApi;
  readonly target: RegistrationTarget;
  /** Writes the registration Secret (intent or registration); throws when it cannot. */
  readonly record: (record: RegistrationIntent | RecordedRegistration) => Promise<void>;
  /** The OIDCClient's uid (key of {@link unrecorded}). */
  readonly uid: string;
  readonly unrecorded: UnrecordedRegistrations;
  /** A new client id for a spec that names none. */
  readonly newClientId?: (() => string) | undefined;
}

/** 128 random bits, base64url: a client id nobody else has. */
export const randomClientId = (): string => randomBytes(16).toString('base64url');

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

async function registerUnder(
  context: RegistrationContext,
  spec: OIDCClientSpec,
  metadata: ClientMetadata,
  intent: RegistrationIntent,
  maybeRegisteredBefore: boolean,
): Promise<RecordedRegistration> {
  let kept = context.unrecorded.find(context.uid, intent.clientId);
  if (kept === undefined) {
    await context.record(intent); // the bookkeeping first: no record, no registration
    try {
      const answer = await context.api.register(context.target, { ...metadata, client_id: intent.clientId });
      kept = { clientId: intent.clientId, metadataHash: metadataHash(metadata), answer };
    } catch (error) {
      if (maybeRegisteredBefore && error instanceof RegistrationRejectedError) {
        error.message +=
          `; an earlier attempt may have registered client id ${intent.clientId} without the operator recording ` +
          'its registration access token: delete that client at the provider (or change spec.clientId)';
      }
      throw error;
    }
    context.unrecorded.keep(context.uid, kept);
  }
  const recorded = record(spec, kept.metadataHash, kept.answer, undefined);
  await context.record(recorded);
  context.unrecorded.forget(context.uid);
  return recorded;
}

/** Registers, re-registers or updates as needed, and records the outcome; throws the API's and the record's errors. */
export async function ensureRegistered(
  context: RegistrationContext,
  spec: OIDCClientSpec,
  metadata: ClientMetadata,
  state: RecordState,
): Promise<EnsuredRegistration> {
  const { api, target } = context;
  const hash = metadataHash(metadata);
  const recorded = state.recorded;
  if (recorded === undefined) {
    const intent = state.intent ?? {
      provider: spec.providerRef.name,
      requestedClientId: spec.clientId,
      clientId: spec.clientId ?? (context.newClientId ?? randomClientId)(),
    };
    const registered = await registerUnder(context, spec, metadata, intent, state.intent !== undefined);
    return { recorded: registered, action: 'registered' };
  }
  const current = await api.read(target, recorded);
  if (current !== undefined && recorded.metadataHash === hash) {
    // A record of an older operator (owned by the OIDCClient, so within the garbage collector's reach) is rewritten.
    if (state.upToDate !== true) await context.record(recorded);
    return { recorded, action: 'unchanged' };
  }
  if (current !== undefined) {
    const body = {
      ...metadata,
      client_id: recorded.clientId,
      ...(recorded.clientSecret === undefined ? {} : { client_secret: recorded.clientSecret }),
    };
    const updated = await api.update(target, recorded, body);
    // The answer to a PUT carries no registration access token (docs/registration.md): the one on record stays.
    if (updated !== undefined) {
      const next = record(spec, hash, updated, recorded);
      await context.record(next);
      return { recorded: next, action: 'updated' };
    }
  }
  const intent = { provider: recorded.provider, requestedClientId: spec.clientId, clientId: recorded.clientId };
  return { recorded: await registerUnder(context, spec, metadata, intent, false), action: 'reregistered' };
}
