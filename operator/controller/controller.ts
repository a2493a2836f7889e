/**
 * One controller: informers feed keys into a {@link WorkQueue}; workers take keys and run the reconcile function,
 * retrying failures with the queue's backoff and requeueing when the reconcile asks to run again later.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.ts';
import type { ObjectRef } from '../kube/resources.ts';
import { startInformer, type RunningInformer } from './informer.ts';
import type { OperatorMetrics } from './metrics.ts';
import { WorkQueue, type WorkQueueOptions } from './work-queue.ts';

/** What a watched kind maps to: the keys (`namespace/name`) of the primary objects to reconcile. */
export interface WatchSpec {
  readonly ref: ObjectRef;
  readonly labelSelector?: string;
  readonly keysOf: (object: KubernetesObject) => string[];
}

/** Definition of a controller. */
export interface ControllerSpec {
  /** Kind label for metrics and logs (e.g. `OIDCProvider`). */
  readonly kind: string;
  readonly watches: readonly WatchSpec[];
  readonly reconcile: (namespace: string, name: string) => Promise<{ requeueAfterMs?: number }>;
  readonly workers?: number;
  readonly queue?: WorkQueueOptions;
}

/** Hooks for logging. */
export interface ControllerLog {
  readonly error: (message: string, error: unknown) => void;
}

/** A running controller. */
export interface RunningController {
  /** Resolves when every informer has listed once. */
  readonly synced: Promise<void>;
  /** Stops informers and workers; waits for reconciles in flight. */
  stop(): Promise<void>;
}

/** The key of an object: `namespace/name`. */
export function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** Starts informers and workers. */
export function startController(
  kc: KubeConfig,
  client: KubeClient,
  spec: ControllerSpec,
  metrics: OperatorMetrics,
  log: ControllerLog,
): RunningController {
  const queue = new WorkQueue({
    ...spec.queue,
    onDepth: (depth) => {
      metrics.workqueueDepth.set({ kind: spec.kind }, depth);
    },
  });
  metrics.workqueueDepth.set({ kind: spec.kind }, 0);
  const informers: RunningInformer<KubernetesObject>[] = spec.watches.map((watch) =>
    startInformer(kc, client, {
      ref: watch.ref,
      ...(watch.labelSelector === undefined ? {} : { labelSelector: watch.labelSelector }),
      onChange: (object) => {
        for (const key of watch.keysOf(object)) queue.add(key);
      },
      onError: (error) => {
        log.error(`${spec.kind} informer for ${watch.ref.kind} failed; restarting`, error);
      },
    }),
  );

  const worker = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      const [namespace = '', name = ''] = key.split('/');
      const end = metrics.reconcileDuration.startTimer({ kind: spec.kind });
      try {
        const result = await spec.reconcile(namespace, name);
        queue.forget(key);
        if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
        metrics.reconcileTotal.inc({ kind: spec.kind, result: 'success' });
      } catch (error) {
        metrics.reconcileTotal.inc({ kind: spec.kind, result: 'error' });
        log.error(`reconcile ${spec.kind} ${key} failed (retry ${queue.retries(key) + 1})`, error);
        queue.addRateLimited(key);
      } finally {
        end();
        queue.done(key);
      }
    }
  };
  const workers = Array.from({ length: spec.workers ?? 2 }, () => worker());
  return {
    synced: Promise.all(informers.map((informer) => informer.synced)).then(() => undefined),
    async stop() {
      queue.shutDown();
      await Promise.all(informers.map((informer) => informer.stop()));
      await Promise.all(workers);
    },
  };
}
