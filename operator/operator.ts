/**
 * The operator as a library: leader election, the OIDCProvider and OIDCClient controllers (one per kind) and the
 * event bridge (started only while leading), Events, metrics and health endpoints. `main.ts` reads the environment
 * and calls {@link startOperator}; tests call it in-process with short lease timings and port 0.
 *
 * Each leadership term gets its own AbortSignal and a {@link fencedClient} bound to it: every Kubernetes request the
 * reconcilers, the Event recorder and the event bridge make goes through it, so the moment leadership ends (the renew
 * deadline passed, the Lease was taken, or a stop) requests in flight are cut and no further one is sent. A term
 * whose start fails (discovery fails, or the caches do not sync within `cacheSyncTimeoutMs`) releases the Lease so a
 * standby takes over, stops campaigning, and `/healthz` reports the failure (`main.ts` exits).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { clientControllerSpec } from './clients/controller.ts';
import { httpRegistrationApi } from './clients/http-registration-api.ts';
import { serviceUrl, type ProviderUrlResolver } from './clients/provider-target.ts';
import type { RegistrationApi } from './clients/registration-api.ts';
import { startController, type RunningController } from './controller/controller.ts';
import { settleWithin } from './controller/settle-within.ts';
import { apiEventRecorder } from './controller/events.ts';
import { startEventBridge, type EventBridgeOptions, type RunningEventBridge } from './events/bridge.ts';
import { startHealthServer } from './controller/health-server.ts';
import { LeaderElector } from './controller/leader-election.ts';
import { DEFAULT_LEASE_TIMING, validateLeaseTiming, type LeaseTiming } from './controller/lease-timing.ts';
import { createOperatorMetrics, type OperatorMetrics } from './controller/metrics.ts';
import { fencedClient, kubeClient, type KubeClient } from './kube/client.ts';
import { cachedCapabilities, discoverCapabilities } from './providers/capabilities.ts';
import { providerControllerSpec } from './providers/controller.ts';
import { generatedKeys, type KeySource } from './providers/keys/key-source.ts';
import type { ProviderImage } from './providers/provider-image.ts';
import { systemClock, type Clock } from './time.ts';

/** Where the operator logs to. */
export interface OperatorLog {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Options of {@link startOperator}. */
export interface OperatorOptions {
  readonly kubeConfig: KubeConfig;
  /** This replica's identity (pod name); unique per replica. */
  readonly identity: string;
  /** Namespace to watch; undefined watches all namespaces. */
  readonly watchNamespace?: string | undefined;
  /** Namespace and name of the leader Lease. */
  readonly leaseNamespace: string;
  readonly leaseName?: string;
  /** Election timing; must satisfy `leaseDuration > renewDeadline > retryPeriod` (else startOperator throws). */
  readonly leaseTiming?: LeaseTiming;
  /**
   * Where the Lease is read and written (default `kubeConfig`). As controller-runtime's `LeaderElectionConfig`: a
   * separate connection, so renewals never queue behind reconcile traffic.
   */
  readonly leaderElectionKubeConfig?: KubeConfig;
  /** Deadline of every Kubernetes API request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** How long a new leader waits for its caches to sync before it gives up leading (default 2 min). */
  readonly cacheSyncTimeoutMs?: number;
  /** Called once a leader's start failed and its Lease was released (`main.ts` exits non-zero). */
  readonly onFatal?: (error: Error) => void;
  /** Port of /healthz, /readyz, /metrics (0: any free port). */
  readonly healthPort: number;
  readonly healthHost?: string;
  readonly log: OperatorLog;
  /** Injected for tests; the real clock and key generator by default. */
  readonly clock?: Clock;
  readonly keys?: KeySource;
  /** How long discovery results (served API versions, ServiceMonitor CRD) are reused (default 60 s). */
  readonly discoveryTtlMs?: number;
  /** Metrics (default: new ones with process metrics). */
  readonly metrics?: OperatorMetrics;
  /** Tunables of the event bridge (docs/event-bridge.md); defaults suit production. */
  readonly eventBridge?: EventBridgeOptions;
  /** The providers' registration endpoints (default: RFC 7591/7592 over HTTP). */
  readonly registration?: RegistrationApi;
  /** Where a provider is reached (default: its in-cluster Service). Tests point it at 127.0.0.1. */
  readonly providerUrl?: ProviderUrlResolver;
  /** Image of provider pods whose OIDCProvider names none (default `DEFAULT_PROVIDER_IMAGE`, provider-image.ts). */
  readonly providerImage?: ProviderImage;
  /** How often a registered OIDCClient is checked at its provider again (default 5 min). */
  readonly clientResyncMs?: number;
  /** How long deleting an OIDCClient waits for an unreachable provider (default 10 min). */
  readonly unregisterGraceMs?: number;
}

/** A running operator. */
export interface RunningOperator {
  readonly healthPort: number;
  readonly metrics: OperatorMetrics;
  readonly client: KubeClient;
  /** Whether this replica leads (and reconciles). */
  isLeader(): boolean;
  /** Why this replica gave up (its start as leader failed), else undefined; `/healthz` answers 503 then. */
  failure(): Error | undefined;
  /** Graceful stop: stops reconciling, releases the Lease (unless `release` is false), closes the health port. */
  stop(release?: boolean): Promise<void>;
}

/** Starts campaigning for leadership and serving health endpoints. Throws on invalid lease timing. */
export async function startOperator(options: OperatorOptions): Promise<RunningOperator> {
  const { kubeConfig, log } = options;
  validateLeaseTiming(options.leaseTiming ?? DEFAULT_LEASE_TIMING);
  const clock = options.clock ?? systemClock;
  const clientOptions = {
    userAgent: `kubeoidc-operator/${options.identity}`,
    ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
  };
  const client = kubeClient(kubeConfig, clientOptions);
  const leaseClient =
    options.leaderElectionKubeConfig === undefined
      ? client
      : kubeClient(options.leaderElectionKubeConfig, clientOptions);
  const metrics = options.metrics ?? createOperatorMetrics();
  const registration = options.registration ?? httpRegistrationApi();

  /** What one leadership term's reconcilers get: everything that writes goes through the term's fenced client. */
  const termDeps = (signal: AbortSignal) => {
    const fenced = fencedClient(client, signal);
    const events = apiEventRecorder(fenced, clock, options.identity, (error) => {
      if (!signal.aborted) log.error('recording an Event failed', error);
    });
    const capabilities = cachedCapabilities(fenced, clock, options.discoveryTtlMs);
    return {
      fenced,
      events,
      providers: {
        client: fenced,
        clock,
        keys: options.keys ?? generatedKeys,
        events,
        capabilities,
        ...(options.providerImage === undefined ? {} : { providerImage: options.providerImage }),
      },
      clients: {
        client: fenced,
        clock,
        events,
        registration,
        providerUrl: options.providerUrl ?? serviceUrl,
        ...(options.clientResyncMs === undefined ? {} : { resyncMs: options.clientResyncMs }),
        ...(options.unregisterGraceMs === undefined ? {} : { unregisterGraceMs: options.unregisterGraceMs }),
      },
    };
  };

  let term: AbortController | undefined;
  let controllers: RunningController[] = [];
  let bridge: RunningEventBridge | undefined;
  let synced = false;
  let failure: Error | undefined;
  let transition: Promise<void> = Promise.resolve();

  const startReconciling = async (signal: AbortSignal): Promise<void> => {
    if (signal.aborted) return;
    const deps = termDeps(signal);
    const caps = await discoverCapabilities(deps.fenced);
    controllers = [
      providerControllerSpec(deps.providers, caps, options.watchNamespace),
      clientControllerSpec(deps.clients, options.watchNamespace),
    ].map((spec) => startController(kubeConfig, deps.fenced, spec, metrics, log, signal));
    const timeoutMs = options.cacheSyncTimeoutMs ?? 120_000;
    const outcome = await settleWithin(
      Promise.all(controllers.map((controller) => controller.synced)),
      signal,
      timeoutMs,
    );
    if (outcome === 'aborted') return;
    if (outcome === 'timeout') throw new Error(`caches did not sync within ${timeoutMs} ms`);
    // Provider events → Kubernetes Events, like the controllers only on the leader (not part of readiness).
    bridge = startEventBridge({
      kubeConfig,
      client: deps.fenced,
      clock,
      identity: options.identity,
      watchNamespace: options.watchNamespace,
      registry: metrics.registry,
      log,
      ...(options.eventBridge === undefined ? {} : { options: options.eventBridge }),
    });
    synced = true;
    log.info('caches synced; reconciling');
  };
  const stopReconciling = async (): Promise<void> => {
    synced = false;
    const runningBridge = bridge;
    bridge = undefined;
    await runningBridge?.stop();
    const running = controllers;
    controllers = [];
    await Promise.all(running.map((controller) => controller.stop()));
  };
  /** A leader that cannot start must not sit on the Lease: release it, stop campaigning, report unhealthy. */
  const giveUp = async (error: unknown): Promise<void> => {
    failure = error instanceof Error ? error : new Error(String(error));
    log.error('starting the controllers failed; releasing the Lease and giving up leadership', failure);
    await elector.stop(true);
    options.onFatal?.(failure);
  };

  const elector = new LeaderElector({
    client: leaseClient,
    clock,
    namespace: options.leaseNamespace,
    name: options.leaseName ?? 'kubeoidc-operator',
    identity: options.identity,
    ...(options.leaseTiming === undefined ? {} : { timing: options.leaseTiming }),
    onStartedLeading: () => {
      log.info(`${options.identity} became the leader`);
      metrics.leader.set(1);
      const current = new AbortController();
      term = current;
      transition = transition.then(() =>
        startReconciling(current.signal).catch((error: unknown) => {
          // Only a start that failed while this term still leads is a failure; a lost Lease cut it short.
          if (!current.signal.aborted) void giveUp(error);
        }),
      );
    },
    onStoppedLeading: () => {
      // Fence first, synchronously: from here on no request of this term reaches the API server.
      term?.abort(new Error('leadership lost'));
      term = undefined;
      log.info(`${options.identity} stopped leading`);
      metrics.leader.set(0);
      transition = transition.then(stopReconciling).catch((error: unknown) => {
        log.error('stopping the controller failed', error);
      });
    },
    onError: (error) => {
      log.error('leader election', error);
    },
  });

  const health = await startHealthServer({
    port: options.healthPort,
    ...(options.healthHost === undefined ? {} : { host: options.healthHost }),
    registry: metrics.registry,
    // A standby is ready (it can take over); a leader is ready once its caches are warm.
    ready: () => failure === undefined && (!elector.isLeader || synced),
    problem: () => (failure === undefined ? undefined : `leader start failed: ${failure.message}`),
  });
  elector.start();

  return {
    healthPort: health.port,
    metrics,
    client,
    isLeader: () => elector.isLeader,
    failure: () => failure,
    async stop(release = true) {
      await elector.stop(release);
      await transition;
      await stopReconciling();
      await health.close();
    },
  };
}
