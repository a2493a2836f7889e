/**
 * Deleting an OIDCClient: unregister it at the provider (RFC 7592 DELETE) unless `deletionPolicy: Orphan`, delete
 * the registration Secret (it has no owner reference, so that the garbage collector cannot remove the registration
 * access token before this runs: `render.ts`), then remove the `kubeoidc.dev/registration` finalizer so the API
 * server deletes the object (and the garbage collector the credentials Secret it owns).
 *
 * An unreachable provider must not block deletion forever (a namespace could never be deleted): the reconciler
 * retries with backoff while the deletion is younger than `unregisterGraceMs`, reporting ProviderUnavailable, and
 * then gives up, records a Warning Event `UnregisterFailed`, and lets the object go — the client stays registered at
 * the provider. A provider that is itself gone (its OIDCProvider deleted) has nothing to unregister from. When the
 * registration Secret is gone although the client was (or may have been) registered — deleted by hand, or with the
 * whole namespace — nothing can be unregistered either: that too is a Warning `UnregisterFailed` naming the client id.
 */
import type { KubeClient } from '../kube/client.ts';
import { isNotFound } from '../kube/client.ts';
import {
  REGISTRATION_FINALIZER,
  OIDC_CLIENT_DEFAULTS,
  API_VERSION,
  OIDC_PROVIDER,
  type OIDCClient,
  type OIDCProvider,
} from '../kube/crds.ts';
import { getObject, resourcePath } from '../kube/resources.ts';
import type { ClientReconcilerDeps, ReconcileResult } from './deps.ts';
import { hasFinalizer, removeFinalizer } from './finalizer.ts';
import { registrationTarget } from './provider-target.ts';
import type { RecordState, RecordedRegistration } from './recorded.ts';
import { ProviderUnavailableError, RegistrationError } from './registration-api.ts';
import { credentialsSecretName, registrationSecretName } from './render.ts';
import { writeClientStatus } from './write-status.ts';

/** Default time deletion waits for an unreachable provider. */
export const DEFAULT_UNREGISTER_GRACE_MS = 10 * 60_000;

async function deleteRegistrationSecret(kube: KubeClient, client: OIDCClient): Promise<void> {
  const ref = {
    apiVersion: 'v1',
    kind: 'Secret',
    namespace: client.metadata.namespace,
    name: registrationSecretName(client),
  };
  // Called only when the record read for this client came from this Secret (its uid annotation matched).
  await kube.request('DELETE', resourcePath(ref)).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
}

async function unregister(
  deps: ClientReconcilerDeps,
  client: OIDCClient,
  recorded: RecordedRegistration,
): Promise<void> {
  const { client: kube, events, clock } = deps;
  const provider = await getObject<OIDCProvider>(kube, {
    apiVersion: API_VERSION,
    kind: OIDC_PROVIDER.kind,
    namespace: client.metadata.namespace,
    name: recorded.provider,
  });
  if (provider === undefined) {
    await events.record(client, 'Normal', 'Unregistered', 'Unregister', `OIDCProvider ${recorded.provider} is gone`);
    return;
  }
  try {
    await deps.registration.delete(await registrationTarget(kube, deps.providerUrl, provider), recorded);
    await events.record(
      client,
      'Normal',
      'Unregistered',
      'Unregister',
      `unregistered client id ${recorded.clientId} at OIDCProvider ${recorded.provider}`,
    );
  } catch (error) {
    if (!(error instanceof RegistrationError)) throw error;
    // A string on the wire, whatever client-node's type says.
    const deletedAt = new Date(client.metadata.deletionTimestamp ?? clock.now()).getTime();
    const waited = clock.now() - (Number.isNaN(deletedAt) ? clock.now() : deletedAt);
    if (waited < (deps.unregisterGraceMs ?? DEFAULT_UNREGISTER_GRACE_MS)) {
      const reason = error instanceof ProviderUnavailableError ? 'ProviderUnavailable' : 'RegistrationFailed';
      await writeClientStatus(kube, {
        client,
        secretName: credentialsSecretName(client),
        recordedClientId: recorded.clientId,
        registration: { state: 'failed', reason, message: `unregistering: ${error.message}` },
        now: clock.now(),
      });
      await events.record(client, 'Warning', reason, 'Unregister', error.message);
      throw error;
    }
    await events.record(
      client,
      'Warning',
      'UnregisterFailed',
      'Unregister',
      `gave up unregistering client id ${recorded.clientId} (it stays registered at OIDCProvider ${recorded.provider}): ${error.message}`,
    );
  }
}

/** Finalizes a client being deleted; throws (to retry with backoff) while unregistering fails within the grace. */
export async function finalizeClient(
  deps: ClientReconcilerDeps,
  client: OIDCClient,
  state: RecordState,
): Promise<ReconcileResult> {
  if (!hasFinalizer(client)) return {};
  const { client: kube, events } = deps;
  const { intent } = state;
  // An answer whose record could not be written is still in memory: it carries the registration access token.
  const kept = intent === undefined ? undefined : deps.unrecorded?.find(client.metadata.uid ?? '', intent.clientId);
  const recorded: RecordedRegistration | undefined =
    state.recorded ??
    (intent === undefined || kept === undefined
      ? undefined
      : { ...intent, metadataHash: kept.metadataHash, ...kept.answer });
  const policy = client.spec.deletionPolicy ?? OIDC_CLIENT_DEFAULTS.deletionPolicy;
  // What status remembers when the registration Secret is gone (the garbage collector cannot reach it, a person can).
  const statusClientId = client.status?.clientId;
  if (policy === 'Orphan') {
    if (recorded !== undefined || statusClientId !== undefined) {
      const id = recorded?.clientId ?? statusClientId ?? '';
      await events.record(
        client,
        'Normal',
        'Orphaned',
        'Unregister',
        `left client id ${id} registered (deletionPolicy Orphan)`,
      );
    }
  } else if (recorded !== undefined) {
    await unregister(deps, client, recorded);
  } else if (intent !== undefined || statusClientId !== undefined) {
    const id = intent?.clientId ?? statusClientId ?? '';
    await events.record(
      client,
      'Warning',
      'UnregisterFailed',
      'Unregister',
      `cannot unregister client id ${id}: the operator holds no registration access token for it (Secret ` +
        `${registrationSecretName(client)} was deleted, or the provider's answer was never recorded); it may stay ` +
        `registered at OIDCProvider ${client.spec.providerRef.name}`,
    );
  }
  deps.unrecorded?.forget(client.metadata.uid ?? '');
  if (intent !== undefined) await deleteRegistrationSecret(kube, client);
  await removeFinalizer(kube, client);
  return {};
}

/** The finalizer this module removes (re-exported for documentation and tests). */
export { REGISTRATION_FINALIZER };
