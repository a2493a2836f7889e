/**
 * Deleting an OIDCClient: unregister it at the provider (RFC 7592 DELETE) unless `deletionPolicy: Orphan`, then remove
 * the `kubeoidc.dev/registration` finalizer so the API server deletes the object (and the garbage collector the two
 * Secrets it owns).
 *
 * An unreachable provider must not block deletion forever (a namespace could never be deleted): the reconciler
 * retries with backoff while the deletion is younger than `unregisterGraceMs`, reporting ProviderUnavailable, and
 * then gives up, records a Warning Event `UnregisterFailed`, and lets the object go — the client stays registered at
 * the provider. A provider that is itself gone (its OIDCProvider deleted) has nothing to unregister from.
 */
import {
  REGISTRATION_FINALIZER,
  OIDC_CLIENT_DEFAULTS,
  API_VERSION,
  OIDC_PROVIDER,
  type OIDCClient,
  type OIDCProvider,
} from '../kube/crds.ts';
import { getObject } from '../kube/resources.ts';
import { hasFinalizer, removeFinalizer } from './finalizer.ts';
import { registrationTarget } from './provider-target.ts';
import type { RecordedRegistration } from './recorded.ts';
import { ProviderUnavailableError, RegistrationError } from './registration-api.ts';
import type { ClientReconcilerDeps, ReconcileResult } from './reconciler.ts';
import { credentialsSecretName } from './render.ts';
import { writeClientStatus } from './write-status.ts';

/** Default time deletion waits for an unreachable provider. */
export const DEFAULT_UNREGISTER_GRACE_MS = 10 * 60_000;

/** Finalizes a client being deleted; throws (to retry with backoff) while unregistering fails within the grace. */
export async function finalizeClient(
  deps: ClientReconcilerDeps,
  client: OIDCClient,
  recorded: RecordedRegistration | undefined,
): Promise<ReconcileResult> {
  if (!hasFinalizer(client)) return {};
  const { client: kube, events, clock } = deps;
  const policy = client.spec.deletionPolicy ?? OIDC_CLIENT_DEFAULTS.deletionPolicy;
  if (recorded !== undefined && policy === 'Orphan') {
    await events.record(
      client,
      'Normal',
      'Orphaned',
      'Unregister',
      `left registered at OIDCProvider ${recorded.provider} (deletionPolicy Orphan)`,
    );
  } else if (recorded !== undefined) {
    const provider = await getObject<OIDCProvider>(kube, {
      apiVersion: API_VERSION,
      kind: OIDC_PROVIDER.kind,
      namespace: client.metadata.namespace,
      name: recorded.provider,
    });
    if (provider === undefined) {
      await events.record(client, 'Normal', 'Unregistered', 'Unregister', `OIDCProvider ${recorded.provider} is gone`);
    } else {
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
          `gave up unregistering (the client stays registered): ${error.message}`,
        );
      }
    }
  }
  await removeFinalizer(kube, client);
  return {};
}

/** The finalizer this module removes (re-exported for documentation and tests). */
export { REGISTRATION_FINALIZER };
