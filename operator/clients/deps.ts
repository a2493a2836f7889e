/** What the OIDCClient reconciler needs from the outside, and what one reconcile answers. */
import type { EventRecorder } from '../controller/events.ts';
import type { KubeClient } from '../kube/client.ts';
import type { Clock } from '../time.ts';
import type { ProviderUrlResolver } from './provider-target.ts';
import type { RegistrationApi } from './registration-api.ts';
import type { UnrecordedRegistrations } from './unrecorded.ts';

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
  /** A new client id, for a client whose spec names none (default: 128 random bits, base64url). */
  readonly newClientId?: () => string;
  /** Answers not recorded yet (the controller keeps one for its lifetime; without it nothing is kept). */
  readonly unrecorded?: UnrecordedRegistrations;
}

/** Outcome of one reconcile. */
export interface ReconcileResult {
  readonly requeueAfterMs?: number;
}

/** Default period of re-checking a registration. */
export const DEFAULT_RESYNC_MS = 5 * 60_000;
