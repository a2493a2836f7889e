/**
 * Writes the relying party's credentials Secret, never taking over a Secret someone else made (server-side apply
 * with force would): another application's credentials, or an OIDCProvider's key Secret when a client happens to be
 * named `<provider>-keys`. Records `SecretWritten` when the Secret changed.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { OIDCClient } from '../kube/crds.ts';
import { applyObject, getObject } from '../kube/resources.ts';
import { FIELD_MANAGER } from '../providers/render/meta.ts';
import type { ClientReconcilerDeps } from './deps.ts';
import type { RecordedRegistration } from './recorded.ts';
import { credentialsSecretName, renderCredentialsSecret } from './render.ts';

/** Applies the credentials Secret of `client`; throws when it cannot (also when someone else owns it). */
export async function writeCredentials(
  deps: Pick<ClientReconcilerDeps, 'client' | 'events'>,
  client: OIDCClient,
  recorded: RecordedRegistration,
  issuer: string,
): Promise<void> {
  const secretName = credentialsSecretName(client);
  const secretRef = { apiVersion: 'v1', kind: 'Secret', namespace: client.metadata.namespace, name: secretName };
  const before = await getObject<V1Secret>(deps.client, secretRef);
  const controller = before?.metadata?.ownerReferences?.find((owner) => owner.controller === true);
  if (before !== undefined && controller?.uid !== client.metadata.uid) {
    throw new Error(`Secret ${secretName} exists and is not owned by this OIDCClient; choose another spec.secret.name`);
  }
  const desired = renderCredentialsSecret(client, recorded, issuer);
  const applied = await applyObject<V1Secret>(deps.client, desired, FIELD_MANAGER);
  if (before?.metadata?.resourceVersion !== applied.metadata?.resourceVersion) {
    await deps.events.record(
      client,
      'Normal',
      'SecretWritten',
      'WriteSecret',
      `wrote the credentials to Secret ${secretName}`,
    );
  }
}
