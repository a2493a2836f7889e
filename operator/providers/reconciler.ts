/**
 * The OIDCProvider reconciler. Its single job: make the objects an OIDCProvider owns match its spec, keep its signing
 * keys on schedule, and report what it observed in status.
 *
 * gather (I/O: the provider, its key Secret, the Secrets it references, what the server serves) → evaluate (pure:
 * spec problems, key rotation plan, rendered objects) → check (every object it would write either does not exist or
 * is controlled by this provider; the key file is readable) → apply (server-side apply as `kubeoidc-operator` with
 * force, which also reverts hand edits of owned fields; unchanged objects are no-ops on the server) → status (written
 * through the status subresource only when it changed). Level-based and idempotent: it never depends on what
 * triggered it. When a check fails nothing is written but status: Degraded with the reason, and a Warning Event.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { KubernetesObject, V1Deployment, V1Secret } from '@kubernetes/client-node';
import type { EventRecorder } from '../controller/events.ts';
import type { KubeClient } from '../kube/client.ts';
import { API_VERSION, OIDC_CLIENT, OIDC_PROVIDER, type OIDCClient, type OIDCProvider } from '../kube/crds.ts';
import { applyObject, getObject, listObjects, objectRef } from '../kube/resources.ts';
import type { Clock } from '../time.ts';
import { readKeyRing, rotationAnnotations } from './keys/key-ring-codec.ts';
import type { KeySource } from './keys/key-source.ts';
import { selectMetricLabels } from './metric-labels.ts';
import { ownershipProblem } from './ownership.ts';
import { referencedSecretsChecksum } from './referenced-secrets.ts';
import type { SecretReferenceIndex } from './secret-references.ts';
import { rotationPolicy } from './keys/policy.ts';
import { nextRotationAt } from './keys/rotation.ts';
import { renderProvider, type ServerCapabilities } from './render/index.ts';
import { FIELD_MANAGER, ownedNames } from './render/meta.ts';
import { readInitialAccessToken } from './render/registration-secret.ts';
import { describeStep, rotateKeys } from './rotate-keys.ts';
import { specProblems } from './spec-problems.ts';
import { evaluateStatus, statusChanged } from './status.ts';
import { pruneOptional } from './prune.ts';
import { DEFAULT_PROVIDER_IMAGE, withProviderImage, type ProviderImage } from './provider-image.ts';

/** What the reconciler needs from the outside. */
export interface ProviderReconcilerDeps {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly keys: KeySource;
  readonly events: EventRecorder;
  readonly capabilities: () => Promise<ServerCapabilities>;
  /** Where the Secrets each provider references are recorded (the controller watches them through it). */
  readonly secretReferences?: SecretReferenceIndex;
  /** The operator's provider image, for OIDCProviders that name none (default {@link DEFAULT_PROVIDER_IMAGE}). */
  readonly providerImage?: ProviderImage;
}

/** Outcome of one reconcile. */
export interface ReconcileResult {
  /** Reconcile again after this long even without a change (the next rotation step). */
  readonly requeueAfterMs?: number;
}

/** Longest wait before a reconcile runs again on its own (timers are not exact across months). */
const MAX_REQUEUE_MS = 60 * 60 * 1000;
/** How soon a provider blocked by an object it does not own is looked at again (that object may not be watched). */
const BLOCKED_REQUEUE_MS = 60 * 1000;

/** Reconciles the OIDCProvider `namespace/name`. Throws on I/O errors so the work queue retries with backoff. */
export async function reconcileProvider(
  deps: ProviderReconcilerDeps,
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  const { client, clock, events } = deps;
  const ref = { apiVersion: API_VERSION, kind: OIDC_PROVIDER.kind, namespace, name };
  const provider = await getObject<OIDCProvider>(client, ref);
  // Deleted: the owner references let the garbage collector remove what it owned.
  if (provider === undefined || provider.metadata.deletionTimestamp !== undefined) {
    deps.secretReferences?.delete(`${namespace}/${name}`);
    return {};
  }

  const problems = specProblems(provider);
  if (problems.length > 0) {
    const written = await writeStatus(deps, provider, { provider, problems, now: clock.now() });
    if (written) await events.record(provider, 'Warning', 'InvalidSpec', 'Validate', problems.join('; '));
    return {};
  }

  const policy = rotationPolicy(provider);
  const names = ownedNames(provider);
  const secretRef = (secretName: string) => ({ apiVersion: 'v1', kind: 'Secret', namespace, name: secretName });
  const secret = await getObject<V1Secret>(client, secretRef(names.secret));
  // The initial access token OIDCClients are registered with: generated once, then kept.
  const registrationSecret = await getObject<V1Secret>(client, secretRef(names.registration));
  // Neither Secret is read unless this provider controls it: a foreign one could hold keys or a token it never made.
  const foreignSecrets = [secret, registrationSecret]
    .map((object) => ownershipProblem(object, provider))
    .filter((problem) => problem !== undefined);
  if (foreignSecrets.length > 0) return block(deps, provider, 'OwnershipConflict', foreignSecrets.join('; '));

  const now = clock.now();
  const stored = readKeyRing(secret, now, policy.retireAfterMs);
  if (stored.kind === 'unreadable') {
    // Regenerating would invalidate every token and session the provider issued: leave the Secret as it is.
    return block(deps, provider, 'KeysUnreadable', `key Secret ${names.secret}: ${stored.problem}; nothing written`);
  }
  const { ring, steps } = await rotateKeys(stored.kind === 'ring' ? stored.ring : undefined, policy, now, deps.keys);
  const initialAccessToken = readInitialAccessToken(registrationSecret) ?? deps.keys.initialAccessToken();
  const secretsChecksum = await referencedSecretsChecksum(client, deps.secretReferences, provider, initialAccessToken);
  const capabilities = await deps.capabilities();
  // The OIDCClients granted a metric label (the watch of OIDCClients in controller.ts reconciles the provider when
  // that set may have changed).
  const clients = await listObjects<OIDCClient>(client, { apiVersion: API_VERSION, kind: OIDC_CLIENT.kind, namespace });
  const metricLabels = selectMetricLabels(provider, clients.items);
  const rendered = renderProvider(
    withProviderImage(provider, deps.providerImage ?? DEFAULT_PROVIDER_IMAGE),
    { file: ring.file, annotations: rotationAnnotations(ring.state), initialAccessToken },
    capabilities,
    secretsChecksum,
    metricLabels.clientIds,
  );

  const live = await Promise.all(rendered.objects.map((desired) => getObject(client, objectRef(desired))));
  const foreign = live.map((object) => ownershipProblem(object, provider)).filter((problem) => problem !== undefined);
  if (foreign.length > 0) return block(deps, provider, 'OwnershipConflict', foreign.join('; '));

  let deployment: V1Deployment | undefined;
  let applyError: string | undefined;
  try {
    for (const [index, desired] of rendered.objects.entries()) {
      const applied = await applyOwned(deps, provider, desired, live[index]);
      if (desired.kind === 'Deployment') deployment = applied;
    }
    await pruneOptional(client, provider, rendered.objects, capabilities);
  } catch (error) {
    applyError = (error as Error).message;
  }
  if (applyError === undefined) {
    for (const step of steps)
      await events.record(provider, 'Normal', step.reason, 'RotateKeys', describeStep(step, ring));
  } else {
    await events.record(provider, 'Warning', 'ApplyFailed', 'Apply', applyError);
  }

  const next = nextRotationAt(ring, policy);
  await writeStatus(deps, provider, {
    provider,
    problems,
    applyError,
    deployment,
    ring: applyError === undefined ? ring : stored.kind === 'ring' ? stored.ring : undefined,
    policy,
    nextRotationAt: next,
    now,
  });
  if (applyError !== undefined) throw new Error(applyError);
  return { requeueAfterMs: Math.min(Math.max(next - clock.now(), 1000), MAX_REQUEUE_MS) };
}

/** Writes nothing but status (Degraded: `reason`) and, when that status is new, a Warning Event. */
async function block(
  deps: ProviderReconcilerDeps,
  provider: OIDCProvider,
  reason: 'KeysUnreadable' | 'OwnershipConflict',
  message: string,
): Promise<ReconcileResult> {
  const blocked = { reason, message };
  const written = await writeStatus(deps, provider, { provider, problems: [], blocked, now: deps.clock.now() });
  if (written) await deps.events.record(provider, 'Warning', reason, 'Reconcile', message);
  return { requeueAfterMs: BLOCKED_REQUEUE_MS };
}

/** Server-side apply of one owned object; records an Event when the server's copy changed (created or reverted). */
async function applyOwned(
  deps: ProviderReconcilerDeps,
  provider: OIDCProvider,
  desired: KubernetesObject,
  before: KubernetesObject | undefined,
): Promise<KubernetesObject> {
  const applied = await applyObject(deps.client, desired, FIELD_MANAGER);
  const id = `${desired.kind ?? ''} ${desired.metadata?.name ?? ''}`;
  if (before === undefined) {
    await deps.events.record(provider, 'Normal', 'Created', 'Apply', `created ${id}`);
  } else if (before.metadata?.resourceVersion !== applied.metadata?.resourceVersion) {
    await deps.events.record(provider, 'Normal', 'Updated', 'Apply', `updated ${id}`);
  }
  return applied;
}

async function writeStatus(
  deps: ProviderReconcilerDeps,
  provider: OIDCProvider,
  inputs: Parameters<typeof evaluateStatus>[0],
): Promise<boolean> {
  const status = evaluateStatus(inputs);
  if (!statusChanged(provider.status, status)) return false;
  const patch = {
    apiVersion: API_VERSION,
    kind: OIDC_PROVIDER.kind,
    metadata: { name: provider.metadata.name, namespace: provider.metadata.namespace },
    status,
  };
  await applyObject(deps.client, patch, FIELD_MANAGER, 'status');
  return true;
}
