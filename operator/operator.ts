/**
 * The operator as a library: leader election, the OIDCProvider controller (started only while leading), Events,
 * metrics and health endpoints. `main.ts` reads the environment and calls {@link startOperator}; tests call it
 * in-process with short lease timings and port 0.
 */
import type { KubeConfig } from '@kubernetes/client-node';
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
  const deps = { client, clock, keys: options.keys ?? generatedKeys, events, capabilities };
  let bridge: RunningEventBridge | undefined;

  let controller: RunningController | undefined;
  let synced = false;
  let transition: Promise<void> = Promise.resolve();
  const startReconciling = async (): Promise<void> => {
    const caps = await discoverCapabilities(client);
    const spec = providerControllerSpec(deps, caps, options.watchNamespace);
    controller = startController(kubeConfig, client, spec, metrics, log);
    await controller.synced;
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
    const running = controller;
    controller = undefined;
    await running?.stop();
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
