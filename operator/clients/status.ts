/**
 * The OIDCClient's status, evaluated from what one reconcile did. Pure: the time is a parameter.
 *
 * - Registered: the provider knows the client (True/Registered), or why not (InvalidSpec, ProviderNotFound,
 *   ProviderNotReady, ProviderUnavailable — both Unknown when an earlier registration may still stand —,
 *   RegistrationRejected: the provider refused the spec, not retried before the spec changes —, RegistrationFailed,
 *   RecordFailed: the registration Secret could not be written).
 * - SecretSynced: the credentials Secret holds the current credentials (True/SecretWritten), or why not
 *   (WaitingForRegistration, ApplyFailed).
 * - Ready: both hold (True/Ready), else the first failure's reason and message.
 * - MetricLabel, only while `spec.metrics.label` is true: the client id is a label value of the provider's per-client
 *   metrics (True/MetricLabelled), the provider's `maxClientLabels` are taken by older clients so it is counted as
 *   `other` (False/MetricLabelLimitReached), or no client id yet (Unknown/WaitingForRegistration). A reconcile that
 *   did not get as far as the provider keeps the previous value. Not part of Ready: the credentials work either way.
 *
 * Status never holds a credential: only the client id (an identifier, not a secret) and the Secret's name.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Condition, OIDCClient, OIDCClientStatus } from '../kube/crds.ts';
import { mergeConditions, type ConditionInput } from '../providers/conditions.ts';
import { wantsMetricLabel } from '../providers/metric-labels.ts';
import { ProviderUnavailableError, RegistrationRejectedError, type RegistrationError } from './registration-api.ts';

/** Why a registration could not be made or checked. */
export type RegistrationFailureReason =
  | 'InvalidSpec'
  | 'ProviderNotFound'
  | 'ProviderNotReady'
  | 'ProviderUnavailable'
  | 'RegistrationRejected'
  | 'RegistrationFailed'
  | 'RecordFailed';

/** Failures that retrying the same spec cannot mend: retried only when `metadata.generation` changes. */
export const TERMINAL_REASONS: readonly RegistrationFailureReason[] = ['RegistrationRejected'];

/**
 * Why a registration attempt failed: unreachable, timed out or 5xx → ProviderUnavailable; refused with 400 (RFC 7591
 * §3.2.2: `invalid_client_metadata`, `invalid_redirect_uri`, a `client_id` in use) → RegistrationRejected, which the
 * same request would meet again; anything else (401 on the initial access token while the provider rolls out its
 * configuration, 404 without a registration endpoint, an unexpected answer) → RegistrationFailed, retried.
 */
export function failureReason(error: RegistrationError): RegistrationFailureReason {
  if (error instanceof ProviderUnavailableError) return 'ProviderUnavailable';
  if (error instanceof RegistrationRejectedError && error.status === 400) return 'RegistrationRejected';
  return 'RegistrationFailed';
}

/** Whether the status says the current generation of `client` failed for good (nothing to retry before a change). */
export function failedForGood(client: OIDCClient): boolean {
  const registered = client.status?.conditions?.find((condition) => condition.type === 'Registered');
  return (
    registered !== undefined &&
    registered.status === 'False' &&
    (TERMINAL_REASONS as readonly string[]).includes(registered.reason) &&
    registered.observedGeneration === (client.metadata.generation ?? 0)
  );
}

/** How registering went. */
export type RegistrationOutcome =
  | { readonly state: 'registered'; readonly clientId: string }
  | { readonly state: 'failed'; readonly reason: RegistrationFailureReason; readonly message: string };

/** How writing the credentials Secret went (`undefined`: not attempted, because registering failed). */
export type SecretOutcome = { readonly state: 'synced' } | { readonly state: 'failed'; readonly message: string };

/** Whether the client got a metric label at its provider (`providers/metric-labels.ts`). */
export type MetricLabelOutcome =
  | { readonly state: 'labelled'; readonly clientId: string; readonly provider: string }
  | { readonly state: 'overLimit'; readonly provider: string; readonly max: number };

/** What the status is computed from. */
export interface ClientStatusInputs {
  readonly client: OIDCClient;
  readonly registration: RegistrationOutcome;
  readonly secret?: SecretOutcome | undefined;
  /** Name of the credentials Secret. */
  readonly secretName: string;
  /** The client id the operator has on record (kept in status while the provider cannot be asked). */
  readonly recordedClientId?: string | undefined;
  /** The metric label, when the reconcile got as far as the provider; read only if the client opts in. */
  readonly metricLabel?: MetricLabelOutcome | undefined;
  /** Now (ms). */
  readonly now: number;
}

function registeredCondition(inputs: ClientStatusInputs): ConditionInput {
  const outcome = inputs.registration;
  if (outcome.state === 'registered') {
    return { type: 'Registered', status: 'True', reason: 'Registered', message: `client id ${outcome.clientId}` };
  }
  // Unavailable after an earlier registration: the client may well still be registered; nobody can tell.
  const unknown =
    (outcome.reason === 'ProviderUnavailable' || outcome.reason === 'ProviderNotReady') &&
    inputs.recordedClientId !== undefined;
  return {
    type: 'Registered',
    status: unknown ? 'Unknown' : 'False',
    reason: outcome.reason,
    message: outcome.message,
  };
}

function secretCondition(inputs: ClientStatusInputs): ConditionInput {
  const outcome = inputs.secret;
  if (outcome === undefined) {
    return {
      type: 'SecretSynced',
      status: 'False',
      reason: 'WaitingForRegistration',
      message: `Secret ${inputs.secretName} is written once the client is registered`,
    };
  }
  return outcome.state === 'synced'
    ? { type: 'SecretSynced', status: 'True', reason: 'SecretWritten', message: `Secret ${inputs.secretName}` }
    : { type: 'SecretSynced', status: 'False', reason: 'ApplyFailed', message: outcome.message };
}

function metricLabelCondition(inputs: ClientStatusInputs): ConditionInput | undefined {
  if (!wantsMetricLabel(inputs.client)) return undefined;
  const outcome = inputs.metricLabel;
  if (outcome === undefined) {
    const previous = inputs.client.status?.conditions?.find((condition) => condition.type === 'MetricLabel');
    if (previous !== undefined) {
      const { type, status, reason, message } = previous;
      return { type, status, reason, message };
    }
    return {
      type: 'MetricLabel',
      status: 'Unknown',
      reason: 'WaitingForRegistration',
      message: 'the client id is known once the client is registered',
    };
  }
  return outcome.state === 'labelled'
    ? {
        type: 'MetricLabel',
        status: 'True',
        reason: 'MetricLabelled',
        message: `client id ${outcome.clientId} is a client label of OIDCProvider ${outcome.provider}'s metrics`,
      }
    : {
        type: 'MetricLabel',
        status: 'False',
        reason: 'MetricLabelLimitReached',
        message:
          `OIDCProvider ${outcome.provider} grants ${outcome.max} client label(s) (spec.metrics.maxClientLabels), ` +
          'all taken by older OIDCClients: this client is counted as "other"',
      };
}

/** The complete status for the inputs, carrying transition times over from the current status. */
export function evaluateClientStatus(inputs: ClientStatusInputs): OIDCClientStatus {
  const { client } = inputs;
  const generation = client.metadata.generation ?? 0;
  const registered = registeredCondition(inputs);
  const synced = secretCondition(inputs);
  const failure = [registered, synced].find((condition) => condition.status !== 'True');
  const ready: ConditionInput =
    failure === undefined
      ? { type: 'Ready', status: 'True', reason: 'Ready', message: 'registered, credentials written' }
      : { type: 'Ready', status: 'False', reason: failure.reason, message: failure.message };
  const now = new Date(inputs.now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const metricLabel = metricLabelCondition(inputs);
  const evaluated = metricLabel === undefined ? [ready, registered, synced] : [ready, registered, synced, metricLabel];
  const conditions: Condition[] = mergeConditions(client.status?.conditions, evaluated, now).map((condition) => ({
    ...condition,
    observedGeneration: generation,
  }));
  const clientId = inputs.registration.state === 'registered' ? inputs.registration.clientId : inputs.recordedClientId;
  return {
    conditions,
    ...(clientId === undefined ? {} : { clientId }),
    secretName: inputs.secretName,
    observedGeneration: generation,
  };
}

/** Whether writing `next` would change anything (the status is written only then). */
export function clientStatusChanged(current: OIDCClientStatus | undefined, next: OIDCClientStatus): boolean {
  const normal = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? {})) as unknown;
  return !isDeepStrictEqual(normal(current), normal(next));
}
