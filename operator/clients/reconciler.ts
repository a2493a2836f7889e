/**
 * The OIDCClient reconciler. Its single job: keep the client registered at its OIDCProvider exactly as the spec
 * says, keep the relying party's credentials Secret current, and report what it observed in status.
 *
 * gather (I/O: the client, its registration Secret, the provider and its initial access token) → evaluate (pure:
 * spec problems, metadata) → apply (registration through the injected {@link RegistrationApi}, then the registration
 * Secret, then the credentials Secret, by server-side apply as `kubeoidc-operator`) → status (only when changed).
 * Level-based and idempotent; it runs again every `resyncMs` to notice a provider that lost the client.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { EventRecorder } from '../controller/events.ts';
import type { KubeClient } from '../kube/client.ts';
import { API_VERSION, OIDC_CLIENT, OIDC_PROVIDER, type OIDCClient, type OIDCProvider } from '../kube/crds.ts';
import { applyObject, getObject } from '../kube/resources.ts';
import { FIELD_MANAGER } from '../providers/render/meta.ts';
import type { Clock } from '../time.ts';
import { ensureRegistered, type RegistrationAction } from './ensure-registered.ts';
import { finalizeClient } from './finalize.ts';
import { addFinalizer } from './finalizer.ts';
import { clientMetadata } from './metadata.ts';
import { registrationTarget, type ProviderUrlResolver } from './provider-target.ts';
import { readRecorded } from './recorded.ts';
import { ProviderUnavailableError, RegistrationError, type RegistrationApi } from './registration-api.ts';
import {
  credentialsSecretName,
  registrationSecretName,
  renderCredentialsSecret,
  renderRegistrationSecret,
} from './render.ts';
import { clientSpecProblems } from './spec-problems.ts';
import { writeClientStatus } from './write-status.ts';

/** What the reconciler needs from the outside. */
export interface ClientReconcilerDeps {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly events: EventRecorder;
  /** The provider's registration endpoint (RFC 7591/7592). */
  readonly registration: RegistrationApi;
  /** Base URL of a provider (default: its in-cluster Service). */
  readonly providerUrl: ProviderUrlResolver;
  /** How often a registered client is checked at the provider again (default 5 min). */
  readonly resyncMs?: number;
  /** How long deleting a client waits for an unreachable provider before leaving it registered (default 10 min). */
  readonly unregisterGraceMs?: number;
}

/** Outcome of one reconcile. */
export interface ReconcileResult {
  readonly requeueAfterMs?: number;
}

/** Default period of re-checking a registration. */
export const DEFAULT_RESYNC_MS = 5 * 60_000;

const eventOf: Record<Exclude<RegistrationAction, 'unchanged'>, { reason: string; note: string }> = {
  registered: { reason: 'Registered', note: 'registered' },
  reregistered: { reason: 'Registered', note: 're-registered (the provider had lost the client)' },
  updated: { reason: 'Updated', note: 'registration updated' },
};

/** Reconciles the OIDCClient `namespace/name`. Throws on failures so the work queue retries with backoff. */
export async function reconcileClient(
  deps: ClientReconcilerDeps,
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  const { client: kube, clock, events } = deps;
  const resync = { requeueAfterMs: deps.resyncMs ?? DEFAULT_RESYNC_MS };
  let client = await getObject<OIDCClient>(kube, { apiVersion: API_VERSION, kind: OIDC_CLIENT.kind, namespace, name });
  if (client === undefined) return {};
  const registrationSecret = await getObject<V1Secret>(kube, {
    apiVersion: 'v1',
    kind: 'Secret',
    namespace,
    name: registrationSecretName(client),
  });
  // A registration Secret left by an earlier object of the same name is not this client's registration.
  const owned = registrationSecret?.metadata?.ownerReferences?.some((owner) => owner.uid === client?.metadata.uid);
  const recorded = owned === true ? readRecorded(registrationSecret) : undefined;
  if (client.metadata.deletionTimestamp !== undefined) return finalizeClient(deps, client, recorded);

  const secretName = credentialsSecretName(client);
  const base = { client, secretName, recordedClientId: recorded?.clientId };
  const problems = clientSpecProblems(client, recorded);
  if (problems.length > 0) {
    const message = problems.join('; ');
    const registration = { state: 'failed', reason: 'InvalidSpec', message } as const;
    if (await writeClientStatus(kube, { ...base, registration, now: clock.now() })) {
      await events.record(client, 'Warning', 'InvalidSpec', 'Validate', message);
    }
    return {};
  }

  client = await addFinalizer(kube, client);
  base.client = client;
  const provider = await getObject<OIDCProvider>(kube, {
    apiVersion: API_VERSION,
    kind: OIDC_PROVIDER.kind,
    namespace,
    name: client.spec.providerRef.name,
  });
  if (provider === undefined || provider.metadata.deletionTimestamp !== undefined) {
    const message = `OIDCProvider ${client.spec.providerRef.name} not found`;
    const registration = { state: 'failed', reason: 'ProviderNotFound', message } as const;
    if (await writeClientStatus(kube, { ...base, registration, now: clock.now() })) {
      await events.record(client, 'Warning', 'ProviderNotFound', 'Register', message);
    }
    return resync;
  }

  const target = await registrationTarget(kube, deps.providerUrl, provider);
  let ensured;
  try {
    ensured = await ensureRegistered(deps.registration, target, client.spec, clientMetadata(client.spec), recorded);
  } catch (error) {
    if (!(error instanceof RegistrationError)) throw error;
    const reason = error instanceof ProviderUnavailableError ? 'ProviderUnavailable' : 'RegistrationFailed';
    const registration = { state: 'failed', reason, message: error.message } as const;
    await writeClientStatus(kube, { ...base, registration, now: clock.now() });
    await events.record(client, 'Warning', reason, 'Register', error.message);
    throw error;
  }
  // Written at once, even when unchanged (a no-op then): the registration access token exists nowhere else.
  await applyObject(kube, renderRegistrationSecret(client, ensured.recorded), FIELD_MANAGER);
  if (ensured.action !== 'unchanged') {
    const { reason, note } = eventOf[ensured.action];
    const at = `at OIDCProvider ${provider.metadata.name ?? ''}`;
    await events.record(
      client,
      'Normal',
      reason,
      'Register',
      `${note} ${at} as client id ${ensured.recorded.clientId}`,
    );
  }

  const registration = { state: 'registered', clientId: ensured.recorded.clientId } as const;
  const desired = renderCredentialsSecret(client, ensured.recorded, provider.spec.issuer);
  try {
    const secretRef = { apiVersion: 'v1', kind: 'Secret', namespace, name: secretName };
    const before = await getObject<V1Secret>(kube, secretRef);
    // Never take over a Secret someone else made (server-side apply with force would): another application's
    // credentials, or an OIDCProvider's key Secret when a client happens to be named `<provider>-keys`.
    const controller = before?.metadata?.ownerReferences?.find((owner) => owner.controller === true);
    if (before !== undefined && controller?.uid !== client.metadata.uid) {
      throw new Error(
        `Secret ${secretName} exists and is not owned by this OIDCClient; choose another spec.secret.name`,
      );
    }
    const applied = await applyObject<V1Secret>(kube, desired, FIELD_MANAGER);
    if (before?.metadata?.resourceVersion !== applied.metadata?.resourceVersion) {
      await events.record(
        client,
        'Normal',
        'SecretWritten',
        'WriteSecret',
        `wrote the credentials to Secret ${secretName}`,
      );
    }
  } catch (error) {
    const message = `writing Secret ${secretName} failed: ${(error as Error).message}`;
    await writeClientStatus(kube, { ...base, registration, secret: { state: 'failed', message }, now: clock.now() });
    await events.record(client, 'Warning', 'SecretSyncFailed', 'WriteSecret', message);
    throw error;
  }
  await writeClientStatus(kube, { ...base, registration, secret: { state: 'synced' }, now: clock.now() });
  return resync;
}
