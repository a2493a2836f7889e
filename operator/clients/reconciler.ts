/**
 * The OIDCClient reconciler. Its single job: keep the client registered at its OIDCProvider exactly as the spec
 * says, keep the relying party's credentials Secret current, and report what it observed in status.
 *
 * gather (I/O: the client, its registration Secret, the provider and its initial access token) → evaluate (pure:
 * spec, names and label values, metadata) → apply (the intent in the registration Secret, then the registration
 * through the injected {@link RegistrationApi}, then the registration Secret, then the credentials Secret, by
 * server-side apply as `kubeoidc-operator`) → status (only when changed). Level-based and idempotent; it runs again
 * every `resyncMs` to notice a provider that lost the client.
 *
 * Nothing is registered before the provider is Ready, and a registration the provider refuses (400: invalid metadata,
 * a redirect URI it does not accept, a client id in use) is `RegistrationRejected`: reported once, not retried until
 * the spec changes (a new `metadata.generation`).
 *
 * A registered client that opts in to being a metric label learns from the same selection as its provider whether
 * it got a place (`metric-label.ts`): the MetricLabel condition, and an Event when that changes.
 */
import type { V1Secret } from '@kubernetes/client-node';
import { API_VERSION, OIDC_CLIENT, OIDC_PROVIDER, type OIDCClient, type OIDCProvider } from '../kube/crds.ts';
import { applyObject, getObject } from '../kube/resources.ts';
import { FIELD_MANAGER } from '../providers/render/meta.ts';
import { DEFAULT_RESYNC_MS, type ClientReconcilerDeps, type ReconcileResult } from './deps.ts';
import { ensureRegistered, type RegistrationAction } from './ensure-registered.ts';
import { finalizeClient } from './finalize.ts';
import { addFinalizer } from './finalizer.ts';
import { clientMetadata } from './metadata.ts';
import { registrationTarget } from './provider-target.ts';
import { readRecord } from './recorded.ts';
import { RegistrationError } from './registration-api.ts';
import { registrationSecretName, renderRegistrationSecret, credentialsSecretName } from './render.ts';
import { clientSpecProblems } from './spec-problems.ts';
import { metricLabelOf, recordMetricLabelChange } from './metric-label.ts';
import { evaluateClientStatus, failedForGood, failureReason } from './status.ts';
import { UnrecordedRegistrations } from './unrecorded.ts';
import { writeCredentials } from './write-credentials.ts';
import { writeClientStatus } from './write-status.ts';

export { DEFAULT_RESYNC_MS, type ClientReconcilerDeps, type ReconcileResult };

const eventOf: Record<Exclude<RegistrationAction, 'unchanged'>, { reason: string; note: string }> = {
  registered: { reason: 'Registered', note: 'registered' },
  reregistered: { reason: 'Registered', note: 're-registered (the provider had lost the client)' },
  updated: { reason: 'Updated', note: 'registration updated' },
};

/** Writing the registration Secret failed (the provider may have answered already: `unrecorded.ts`). */
class RecordFailedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RecordFailedError';
  }
}

/** Whether the provider says it is Ready (every desired replica ready). */
function providerReady(provider: OIDCProvider): boolean {
  return provider.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

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
  const state = readRecord(registrationSecret, client.metadata.uid);
  if (client.metadata.deletionTimestamp !== undefined) return finalizeClient(deps, client, state);

  const secretName = credentialsSecretName(client);
  const base = { client, secretName, recordedClientId: state.recorded?.clientId };
  const problems = clientSpecProblems(client, state.intent);
  if (problems.length > 0) {
    const message = problems.join('; ');
    const registration = { state: 'failed', reason: 'InvalidSpec', message } as const;
    if (await writeClientStatus(kube, { ...base, registration, now: clock.now() })) {
      await events.record(client, 'Warning', 'InvalidSpec', 'Validate', message);
    }
    return {};
  }
  if (failedForGood(client)) return {}; // refused by the provider at this generation: wait for a spec change

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
  if (state.recorded === undefined && !providerReady(provider)) {
    // The provider's own watch reconciles this client again when the provider's status changes.
    const message = `waiting for OIDCProvider ${provider.metadata.name ?? ''} to be Ready`;
    const registration = { state: 'failed', reason: 'ProviderNotReady', message } as const;
    await writeClientStatus(kube, { ...base, registration, now: clock.now() });
    return resync;
  }

  const unrecorded = deps.unrecorded ?? new UnrecordedRegistrations();
  const current = client;
  // The registration Secret is gone (deleted by hand) but status remembers the client id: register under that id, so
  // a client the provider still has is refused (RegistrationRejected) rather than registered a second time.
  const remembered = client.status?.clientId;
  const registering =
    state.intent === undefined && remembered !== undefined
      ? {
          intent: {
            provider: client.spec.providerRef.name,
            requestedClientId: client.spec.clientId,
            clientId: remembered,
          },
          recorded: undefined,
        }
      : state;
  let ensured;
  try {
    ensured = await ensureRegistered(
      {
        api: deps.registration,
        target: await registrationTarget(kube, deps.providerUrl, provider),
        uid: client.metadata.uid ?? '',
        unrecorded,
        newClientId: deps.newClientId,
        record: async (record) => {
          const secret = renderRegistrationSecret(current, record);
          await applyObject(kube, secret, FIELD_MANAGER).catch((error: unknown) => {
            const message = `writing Secret ${secret.metadata?.name ?? ''} failed: ${(error as Error).message}`;
            throw new RecordFailedError(message, { cause: error });
          });
        },
      },
      client.spec,
      clientMetadata(client.spec),
      registering,
    );
  } catch (error) {
    if (!(error instanceof RegistrationError) && !(error instanceof RecordFailedError)) throw error;
    const reason = error instanceof RegistrationError ? failureReason(error) : 'RecordFailed';
    const registration = { state: 'failed', reason, message: error.message } as const;
    await writeClientStatus(kube, { ...base, registration, now: clock.now() });
    await events.record(client, 'Warning', reason, 'Register', error.message);
    if (reason === 'RegistrationRejected') return {}; // retried when the spec changes, not before
    throw error;
  }
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
  try {
    await writeCredentials(deps, client, ensured.recorded, provider.spec.issuer);
  } catch (error) {
    const message = `writing Secret ${secretName} failed: ${(error as Error).message}`;
    await writeClientStatus(kube, { ...base, registration, secret: { state: 'failed', message }, now: clock.now() });
    await events.record(client, 'Warning', 'SecretSyncFailed', 'WriteSecret', message);
    throw error;
  }
  const metricLabel = await metricLabelOf(kube, client, provider, ensured.recorded.clientId);
  const inputs = { ...base, registration, secret: { state: 'synced' }, metricLabel, now: clock.now() } as const;
  if (await writeClientStatus(kube, inputs)) {
    await recordMetricLabelChange(events, client, client.status, evaluateClientStatus(inputs));
  }
  return resync;
}
