/**
 * The two Secrets of an OIDCClient, rendered from the client and its registration. Pure.
 *
 * - The credentials Secret (`spec.secret.name`, default the OIDCClient's name) is for the relying party: client id,
 *   client secret, issuer URL, discovery URL, under the key names of `spec.secret`. Owned by the OIDCClient (the
 *   garbage collector deletes it with the client).
 * - The registration Secret (`kubeoidc-registration-<name>`) is the operator's own memory of the registration: the
 *   chosen client id (written before registering), then the registration access token and client URI (RFC 7592), the
 *   issued client secret (the provider keeps only a hash, so this is the only copy the credentials Secret can be
 *   rewritten from), and in annotations what the registration was made from: provider, requested client id, metadata
 *   hash. It carries **no owner reference**: the finalizer needs the registration access token to unregister, so the
 *   garbage collector (foreground deletion deletes dependents before the owner's finalizers run) must not reach it.
 *   The finalizer deletes it itself; the annotations name the OIDCClient (name and uid) instead.
 *
 * Credentials live only in these two Secrets — never in status, Events or logs.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1OwnerReference, V1Secret } from '@kubernetes/client-node';
import { API_VERSION, OIDC_CLIENT, OIDC_CLIENT_DEFAULTS, type OIDCClient } from '../kube/crds.ts';
import { MANAGED_BY } from '../providers/render/meta.ts';
import { ANNOTATIONS, REGISTRATION_KEYS, type RecordedRegistration, type RegistrationIntent } from './recorded.ts';

/** Prefix of the registration Secret's name. */
export const REGISTRATION_SECRET_PREFIX = 'kubeoidc-registration-';

/** Name of the credentials Secret. */
export function credentialsSecretName(client: OIDCClient): string {
  return client.spec.secret?.name ?? client.metadata.name ?? '';
}

/** Name of the registration Secret. */
export function registrationSecretName(client: OIDCClient): string {
  return `${REGISTRATION_SECRET_PREFIX}${client.metadata.name ?? ''}`;
}

/** Controller owner reference to the OIDCClient. */
export function clientOwnerReference(client: OIDCClient): V1OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: OIDC_CLIENT.kind,
    name: client.metadata.name ?? '',
    uid: client.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function labels(client: OIDCClient, component: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    'app.kubernetes.io/name': 'kubeoidc',
    'app.kubernetes.io/instance': client.metadata.name ?? '',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'kubeoidc',
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

const isRecorded = (record: RegistrationIntent | RecordedRegistration): record is RecordedRegistration =>
  'registrationAccessToken' in record;

/**
 * The registration Secret for `record`: an intent (before registering: provider and client id only) or a recorded
 * registration (after: with the provider's answer). No owner reference (see above).
 */
export function renderRegistrationSecret(
  client: OIDCClient,
  record: RegistrationIntent | RecordedRegistration,
): V1Secret {
  const recorded = isRecorded(record) ? record : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: registrationSecretName(client),
      namespace: client.metadata.namespace ?? 'default',
      labels: labels(client, 'client-registration'),
      annotations: {
        [ANNOTATIONS.client]: client.metadata.name ?? '',
        [ANNOTATIONS.clientUid]: client.metadata.uid ?? '',
        [ANNOTATIONS.provider]: record.provider,
        ...(recorded === undefined ? {} : { [ANNOTATIONS.metadataHash]: recorded.metadataHash }),
        ...(record.requestedClientId === undefined
          ? {}
          : { [ANNOTATIONS.requestedClientId]: record.requestedClientId }),
      },
    },
    data: {
      [REGISTRATION_KEYS.clientId]: b64(record.clientId),
      ...(recorded === undefined
        ? {}
        : {
            [REGISTRATION_KEYS.registrationAccessToken]: b64(recorded.registrationAccessToken),
            [REGISTRATION_KEYS.registrationClientUri]: b64(recorded.registrationClientUri),
          }),
      ...(recorded?.clientSecret === undefined ? {} : { [REGISTRATION_KEYS.clientSecret]: b64(recorded.clientSecret) }),
    },
  };
}

/** The credentials Secret for the relying party. */
export function renderCredentialsSecret(client: OIDCClient, recorded: RecordedRegistration, issuer: string): V1Secret {
  const spec = client.spec.secret ?? {};
  const base = issuer.replace(/\/$/, '');
  const data: Record<string, string> = {
    [spec.clientIdKey ?? OIDC_CLIENT_DEFAULTS.clientIdKey]: b64(recorded.clientId),
    [spec.issuerUrlKey ?? OIDC_CLIENT_DEFAULTS.issuerUrlKey]: b64(issuer),
    [spec.discoveryUrlKey ?? OIDC_CLIENT_DEFAULTS.discoveryUrlKey]: b64(`${base}/.well-known/openid-configuration`),
  };
  if (recorded.clientSecret !== undefined) {
    data[spec.clientSecretKey ?? OIDC_CLIENT_DEFAULTS.clientSecretKey] = b64(recorded.clientSecret);
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: credentialsSecretName(client),
      namespace: client.metadata.namespace ?? 'default',
      labels: labels(client, 'client-credentials', spec.labels),
      ...(spec.annotations === undefined ? {} : { annotations: { ...spec.annotations } }),
      ownerReferences: [clientOwnerReference(client)],
    },
    data,
  };
}
