/**
 * The OIDCProvider's status, evaluated from what the reconciler observed. Pure: the time is a parameter.
 *
 * - Degraded: the spec is invalid (InvalidSpec), the reconciler refused to go on (`blocked`: KeysUnreadable,
 *   OwnershipConflict) or applying failed (ApplyFailed); otherwise AsExpected.
 * - Progressing: the Deployment has not finished rolling out the current template to every desired replica.
 * - Ready: every desired replica is ready and nothing is degraded.
 * - KeysReady: every configured algorithm has a signing key, and it is published (KeysUnreadable when the key
 *   Secret's file cannot be read).
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import { isDeepStrictEqual } from 'node:util';
import type { V1Deployment } from '@kubernetes/client-node';
import { OIDC_PROVIDER_DEFAULTS, type OIDCProvider, type OIDCProviderStatus } from '../kube/crds.ts';
import { mergeConditions, type ConditionInput } from './conditions.ts';
import type { KeyRing, RotationPolicy } from './keys/rotation.ts';
import { selectorString } from './render/meta.ts';

/** What the status is computed from. */
export interface StatusInputs {
  readonly provider: OIDCProvider;
  /** Spec problems (empty when valid). */
  readonly problems: readonly string[];
  /** Why applying the owned objects failed, if it did. */
  readonly applyError?: string | undefined;
  /** Why the reconciler applied nothing although the spec is valid (e.g. KeysUnreadable, OwnershipConflict). */
  readonly blocked?: { readonly reason: string; readonly message: string } | undefined;
  /** The Deployment as the server has it. */
  readonly deployment?: V1Deployment | undefined;
  /** The keys as written. */
  readonly ring?: KeyRing | undefined;
  readonly policy?: RotationPolicy | undefined;
  /** When the next rotation step falls due (ms). */
  readonly nextRotationAt?: number | undefined;
  /** Now (ms). */
  readonly now: number;
}

function rollout(
  inputs: StatusInputs,
  desired: number,
): { done: boolean; ready: number; updated: number; current: number } {
  const deployment = inputs.deployment;
  const status = deployment?.status ?? {};
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const current = status.replicas ?? 0;
  const observed = (status.observedGeneration ?? 0) >= (deployment?.metadata?.generation ?? 1);
  return {
    done: deployment !== undefined && observed && updated >= desired && current <= desired,
    ready,
    updated,
    current,
  };
}

function keysCondition(inputs: StatusInputs): ConditionInput {
  const ring = inputs.ring;
  const algorithms = inputs.policy?.algorithms ?? [];
  const active = ring?.file.keys.filter((key) => (ring.file.active ?? []).includes(key.kid)) ?? [];
  const missing = algorithms.filter((alg) => !active.some((key) => key.alg === alg));
  if (inputs.blocked?.reason === 'KeysUnreadable') {
    return { type: 'KeysReady', status: 'False', reason: 'KeysUnreadable', message: inputs.blocked.message };
  }
  if (ring === undefined || missing.length > 0) {
    return {
      type: 'KeysReady',
      status: 'False',
      reason: 'KeysMissing',
      message: ring === undefined ? 'no signing keys yet' : `no signing key for ${missing.join(', ')}`,
    };
  }
  return {
    type: 'KeysReady',
    status: 'True',
    reason: 'KeysActive',
    message: `${active.length} signing key(s) active, ${ring.file.keys.length} published`,
  };
}

/** The complete status for the inputs, carrying transition times over from the current status. */
export function evaluateStatus(inputs: StatusInputs): OIDCProviderStatus {
  const { provider, problems, applyError, blocked } = inputs;
  const generation = provider.metadata.generation ?? 0;
  const desired = provider.spec.replicas ?? OIDC_PROVIDER_DEFAULTS.replicas;
  const r = rollout(inputs, desired);
  const invalid = problems.length > 0;
  const failure = invalid
    ? { reason: 'InvalidSpec', message: problems.join('; ') }
    : blocked !== undefined
      ? { reason: blocked.reason, message: blocked.message }
      : applyError !== undefined
        ? { reason: 'ApplyFailed', message: applyError }
        : undefined;

  const degraded: ConditionInput =
    failure === undefined
      ? {
          type: 'Degraded',
          status: 'False',
          reason: 'AsExpected',
          message: 'spec valid and every owned object applied',
        }
      : { type: 'Degraded', status: 'True', ...failure };
  const progressing: ConditionInput = invalid
    ? { type: 'Progressing', status: 'False', reason: 'InvalidSpec', message: 'waiting for a valid spec' }
    : blocked !== undefined
      ? { type: 'Progressing', status: 'False', reason: blocked.reason, message: 'nothing applied' }
      : r.done
        ? {
            type: 'Progressing',
            status: 'False',
            reason: 'RolloutComplete',
            message: `${r.updated} replica(s) up to date`,
          }
        : {
            type: 'Progressing',
            status: 'True',
            reason: 'RollingOut',
            message: `${r.updated}/${desired} replica(s) updated`,
          };
  const ready: ConditionInput =
    failure !== undefined
      ? { type: 'Ready', status: 'False', ...failure }
      : desired === 0
        ? { type: 'Ready', status: 'False', reason: 'ScaledToZero', message: 'spec.replicas is 0' }
        : r.ready >= desired
          ? { type: 'Ready', status: 'True', reason: 'Available', message: `${r.ready}/${desired} replica(s) ready` }
          : {
              type: 'Ready',
              status: 'False',
              reason: 'ReplicasNotReady',
              message: `${r.ready}/${desired} replica(s) ready`,
            };

  const previous = provider.status;
  const now = new Date(inputs.now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const conditions = mergeConditions(
    previous?.conditions,
    [ready, progressing, degraded, keysCondition(inputs)],
    now,
  ).map((condition) => ({ ...condition, observedGeneration: generation }));
  const ring = inputs.ring;
  const issuer = invalid ? previous?.issuer : provider.spec.issuer;
  return {
    conditions,
    observedGeneration: generation,
    replicas: r.current,
    readyReplicas: r.ready,
    selector: selectorString(provider),
    ...(issuer === undefined ? {} : { issuer }),
    ...(ring === undefined
      ? {}
      : { activeKeyIds: [...(ring.file.active ?? [])], publishedKeyIds: ring.file.keys.map((key) => key.kid) }),
    ...(inputs.nextRotationAt === undefined
      ? {}
      : { nextRotationTime: new Date(inputs.nextRotationAt).toISOString().replace(/\.\d{3}Z$/, 'Z') }),
  };
}

/** Whether writing `next` would change anything (the status is written only then). */
export function statusChanged(current: OIDCProviderStatus | undefined, next: OIDCProviderStatus): boolean {
  const normal = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? {})) as unknown;
  return !isDeepStrictEqual(normal(current), normal(next));
}
