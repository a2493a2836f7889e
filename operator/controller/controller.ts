/**
 * One controller: informers feed keys into a {@link WorkQueue}; workers take keys and run the reconcile function,
 * retrying failures with the queue's backoff and requeueing when the reconcile asks to run again later.
 *
 * A controller runs for one leadership term: its `signal` is aborted when the term ends. Reconciles get it (and their
 * Kubernetes writes go through a client fenced by it); once it fires, the queue stops handing out keys and a
 * reconcile cut short is neither retried nor logged as a failure.
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
  /** Reconciles one object; `signal` aborts when leadership ends (pass it to anything that writes). */
  readonly reconcile: (namespace: string, name: string, signal: AbortSignal) => Promise<{ requeueAfterMs?: number }>;
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

/** Starts informers and workers; aborting `signal` shuts the queue down (then call {@link RunningController.stop}). */
export function startController(
  kc: KubeConfig,
  client: KubeClient,
  spec: ControllerSpec,
  metrics: OperatorMetrics,
  log: ControllerLog,
  signal: AbortSignal = new AbortController().signal,
): RunningController {
  const queue = new WorkQueue({
    ...spec.queue,
    onDepth: (depth) => {
      metrics.workqueueDepth.set({ kind: spec.kind }, depth);
    },
  });
  metrics.workqueueDepth.set({ kind: spec.kind }, 0);
  signal.addEventListener(
    'abort',
    () => {
      queue.shutDown();
    },
    { once: true },
  );
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
        const result = await spec.reconcile(namespace, name, signal);
        queue.forget(key);
        if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
        metrics.reconcileTotal.inc({ kind: spec.kind, result: 'success' });
      } catch (error) {
        if (signal.aborted) continue; // cut short by the end of leadership: the next leader reconciles it
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
