/**
 * What the operator remembers of one registration, read from and written to the registration Secret
 * (`render.ts`). Two stages, so that the bookkeeping always comes before the call to the provider:
 *
 * - an **intent** — provider, requested and chosen `client_id` — is written before the operator registers (RFC 7591
 *   POST), so a failure after the POST leaves a record of which client may exist at the provider;
 * - a **registration** adds what the provider answered (registration access token and client URI, RFC 7592; the
 *   issued secret) and the hash of the metadata it was made from.
 *
 * A Secret that belongs to another object of the same name (its `kubeoidc.dev/client-uid` annotation differs) or is
 * incomplete reads as nothing recorded. Pure decoding.
 */
import type { V1Secret } from '@kubernetes/client-node';

/** Annotations of the registration Secret. */
export const ANNOTATIONS = {
  provider: 'kubeoidc.dev/provider',
  requestedClientId: 'kubeoidc.dev/requested-client-id',
  metadataHash: 'kubeoidc.dev/metadata-hash',
  /** The OIDCClient the Secret belongs to (it carries no owner reference: see `render.ts`). */
  client: 'kubeoidc.dev/oidcclient',
  clientUid: 'kubeoidc.dev/oidcclient-uid',
} as const;
/** Data keys of the registration Secret. */
export const REGISTRATION_KEYS = {
  clientId: 'clientId',
  clientSecret: 'clientSecret',
  registrationAccessToken: 'registrationAccessToken',
  registrationClientUri: 'registrationClientUri',
} as const;

/** A registration the operator is about to make (or may have made without recording the answer). */
export interface RegistrationIntent {
  /** The OIDCProvider (same namespace) the client is registered at. */
  readonly provider: string;
  /** `spec.clientId` the registration was made with (undefined: the operator chose the id). */
  readonly requestedClientId?: string | undefined;
  /** The `client_id` registered under: `spec.clientId`, or one the operator generated before registering. */
  readonly clientId: string;
}

/** One registration as the operator remembers it. */
export interface RecordedRegistration extends RegistrationIntent {
  /** Hash of the metadata last registered or updated (`metadataHash`). */
  readonly metadataHash: string;
  readonly clientSecret?: string | undefined;
  readonly registrationAccessToken: string;
  readonly registrationClientUri: string;
}

/** What a registration Secret says. */
export interface RecordState {
  /** Set when a registration was intended (and maybe made); also set when `recorded` is. */
  readonly intent: RegistrationIntent | undefined;
  /** Set when the provider's answer was recorded. */
  readonly recorded: RecordedRegistration | undefined;
  /** False when the Secret is in an older operator's form (an owner reference, no uid annotation): rewrite it. */
  readonly upToDate?: boolean;
}

const text = (secret: V1Secret, key: string): string | undefined => {
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
};

/** Whether `secret` was written for the OIDCClient with `uid` (older versions said so with an owner reference). */
export function recordBelongsTo(secret: V1Secret, uid: string | undefined): boolean {
  const annotated = secret.metadata?.annotations?.[ANNOTATIONS.clientUid];
  if (annotated !== undefined) return annotated === uid;
  return secret.metadata?.ownerReferences?.some((owner) => owner.uid === uid) === true;
}

/** The intent and registration recorded in `secret` for the OIDCClient with `uid`. */
export function readRecord(secret: V1Secret | undefined, uid: string | undefined): RecordState {
  if (secret === undefined || !recordBelongsTo(secret, uid)) return { intent: undefined, recorded: undefined };
  const annotations: Readonly<Record<string, string | undefined>> = secret.metadata?.annotations ?? {};
  const provider = annotations[ANNOTATIONS.provider];
  const clientId = text(secret, REGISTRATION_KEYS.clientId);
  if (provider === undefined || clientId === undefined) return { intent: undefined, recorded: undefined };
  const intent: RegistrationIntent = {
    provider,
    requestedClientId: annotations[ANNOTATIONS.requestedClientId],
    clientId,
  };
  const metadataHash = annotations[ANNOTATIONS.metadataHash];
  const registrationAccessToken = text(secret, REGISTRATION_KEYS.registrationAccessToken);
  const registrationClientUri = text(secret, REGISTRATION_KEYS.registrationClientUri);
  if (metadataHash === undefined || registrationAccessToken === undefined || registrationClientUri === undefined) {
    return { intent, recorded: undefined };
  }
  const recorded: RecordedRegistration = {
    ...intent,
    metadataHash,
    clientSecret: text(secret, REGISTRATION_KEYS.clientSecret),
    registrationAccessToken,
    registrationClientUri,
  };
  const upToDate =
    annotations[ANNOTATIONS.clientUid] !== undefined && (secret.metadata?.ownerReferences ?? []).length === 0;
  return { intent, recorded, upToDate };
}

/** The registration recorded in `secret` (whoever it belongs to), or undefined when there is none or it is incomplete. */
export function readRecorded(secret: V1Secret | undefined): RecordedRegistration | undefined {
  const uid = secret?.metadata?.annotations?.[ANNOTATIONS.clientUid] ?? secret?.metadata?.ownerReferences?.[0]?.uid;
  return readRecord(secret, uid).recorded;
}
