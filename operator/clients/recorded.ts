/**
 * What the operator remembers of one registration, read from and written to the registration Secret
 * (`render.ts`). Pure decoding: a Secret that is missing or incomplete reads as "never registered".
 */
import type { V1Secret } from '@kubernetes/client-node';
import { ANNOTATIONS, REGISTRATION_KEYS } from './render.ts';

/** One registration as the operator remembers it. */
export interface RecordedRegistration {
  /** The OIDCProvider (same namespace) the client is registered at. */
  readonly provider: string;
  /** `spec.clientId` the registration was made with (undefined: the provider chose the id). */
  readonly requestedClientId?: string | undefined;
  /** Hash of the metadata last registered or updated (`metadataHash`). */
  readonly metadataHash: string;
  readonly clientId: string;
  readonly clientSecret?: string | undefined;
  readonly registrationAccessToken: string;
  readonly registrationClientUri: string;
}

const text = (secret: V1Secret, key: string): string | undefined => {
  const value = secret.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
};

/** The registration recorded in `secret`, or undefined when there is none (or it is incomplete). */
export function readRecorded(secret: V1Secret | undefined): RecordedRegistration | undefined {
  if (secret === undefined) return undefined;
  const annotations: Readonly<Record<string, string | undefined>> = secret.metadata?.annotations ?? {};
  const provider = annotations[ANNOTATIONS.provider];
  const metadataHash = annotations[ANNOTATIONS.metadataHash];
  const clientId = text(secret, REGISTRATION_KEYS.clientId);
  const registrationAccessToken = text(secret, REGISTRATION_KEYS.registrationAccessToken);
  const registrationClientUri = text(secret, REGISTRATION_KEYS.registrationClientUri);
  if (
    provider === undefined ||
    metadataHash === undefined ||
    clientId === undefined ||
    registrationAccessToken === undefined ||
    registrationClientUri === undefined
  ) {
    return undefined;
  }
  return {
    provider,
    requestedClientId: annotations[ANNOTATIONS.requestedClientId],
    metadataHash,
    clientId,
    clientSecret: text(secret, REGISTRATION_KEYS.clientSecret),
    registrationAccessToken,
    registrationClientUri,
  };
}
