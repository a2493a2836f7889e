/**
 * The operator as a library: leader election, the OIDCProvider and OIDCClient controllers (one per kind) and the
 * event bridge (started only while leading), Events, metrics and health endpoints. `main.ts` reads the environment and calls {@link startOperator}; tests call it
 * in-process with short lease timings and port 0.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { clientControllerSpec } from './clients/controller.ts';
import { httpRegistrationApi } from './clients/http-registration-api.ts';
import { serviceUrl, type ProviderUrlResolver } from './clients/provider-target.ts';
import type { RegistrationApi } from './clients/registration-api.ts';
import { startController, type RunningController } from './controller/controller.ts';
import { apiEventRecorder } from './controller/events.ts';
import { startEventBridge, type EventBridgeOptions, type RunningEventBridge } from './events/bridge.ts';
import { startHealthServer } from './controller/health-server.ts';
import { LeaderElector, type LeaseTiming } from './controller/leader-election.ts';
import { createOperatorMetrics, type OperatorMetrics } from './controller/metrics.ts';
import { kubeClient, type KubeClient } from './kube/client.ts';
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
  readonly leaseTiming?: LeaseTiming;
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
  /** Graceful stop: stops reconciling, releases the Lease (unless `release` is false), closes the health port. */
  stop(release?: boolean): Promise<void>;
}

/** Starts campaigning for leadership and serving health endpoints. */
export async function startOperator(options: OperatorOptions): Promise<RunningOperator> {
  const { kubeConfig, log } = options;
  const clock = options.clock ?? systemClock;
  const client = kubeClient(kubeConfig);
  const metrics = options.metrics ?? createOperatorMetrics();
  const events = apiEventRecorder(client, clock, options.identity, (error) => {
    log.error('recording an Event failed', error);
  });
  const capabilities = cachedCapabilities(client, clock, options.discoveryTtlMs);
  const deps = {
    client,
    clock,
    keys: options.keys ?? generatedKeys,
    events,
    capabilities,
    ...(options.providerImage === undefined ? {} : { providerImage: options.providerImage }),
  };
  let bridge: RunningEventBridge | undefined;

  const clientDeps = {
    client,
    clock,
    events,
    registration: options.registration ?? httpRegistrationApi(),
    providerUrl: options.providerUrl ?? serviceUrl,
    ...(options.clientResyncMs === undefined ? {} : { resyncMs: options.clientResyncMs }),
    ...(options.unregisterGraceMs === undefined ? {} : { unregisterGraceMs: options.unregisterGraceMs }),
  };

  let controllers: RunningController[] = [];
  let synced = false;
  let transition: Promise<void> = Promise.resolve();
  const startReconciling = async (): Promise<void> => {
    const caps = await discoverCapabilities(client);
    controllers = [
      providerControllerSpec(deps, caps, options.watchNamespace),
      clientControllerSpec(clientDeps, options.watchNamespace),
    ].map((spec) => startController(kubeConfig, client, spec, metrics, log));
    await Promise.all(controllers.map((controller) => controller.synced));
    // Provider events → Kubernetes Events, like the controllers only on the leader (not part of readiness).
    bridge = startEventBridge({
      kubeConfig,
      client,
      recorder: events,
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

  const elector = new LeaderElector({
    client,
    clock,
    namespace: options.leaseNamespace,
    name: options.leaseName ?? 'kubeoidc-operator',
    identity: options.identity,
    ...(options.leaseTiming === undefined ? {} : { timing: options.leaseTiming }),
    onStartedLeading: () => {
      log.info(`${options.identity} became the leader`);
      metrics.leader.set(1);
      transition = transition.then(startReconciling).catch((error: unknown) => {
        log.error('starting the controller failed', error);
      });
    },
    onStoppedLeading: () => {
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
    ready: () => !elector.isLeader || synced,
  });
  elector.start();

  return {
    healthPort: health.port,
    metrics,
    client,
    isLeader: () => elector.isLeader,
    async stop(release = true) {
      await stopReconciling();
      await elector.stop(release);
      await transition;
      await stopReconciling();
      await health.close();
    },
  };
}
