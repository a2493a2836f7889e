/**
 * A client-node informer (`makeInformer`: list, then watch, keeping a cache) that restarts after errors with
 * exponential backoff. client-node stops an informer on a watch or list error and reports it; without a restart the
 * operator would silently stop seeing changes.
 *
 * Two things client-node's events do not give, done here: `synced` resolves only after a list *succeeded* (its
 * `connect` event fires before the list, so a failing list — an outage, a missing RBAC rule — would look synced),
 * and the backoff is not reset by `connect` but only after a quiet spell of `resetAfterMs` without errors, as
 * client-go's reflector does; otherwise a list that fails every time would be retried at the base delay forever.
 */
import {
  makeInformer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.ts';
import { listObjects, resourcePath, type ObjectRef } from '../kube/resources.ts';

/** Options of {@link startInformer}. */
export interface InformerOptions<T extends KubernetesObject> {
  /** What to watch (a collection: no name; without a namespace, every namespace). */
  readonly ref: ObjectRef;
  readonly labelSelector?: string;
  /** Called for every add, update and delete. */
  readonly onChange: (object: T, verb: 'add' | 'update' | 'delete') => void;
  /** Called on every error before the restart. */
  readonly onError?: (error: unknown) => void;
  /** First restart delay (default 500 ms), doubling up to `maxBackoffMs` (default 30 s). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** The delay falls back to `backoffMs` after this long without an error (default 2 min). */
  readonly resetAfterMs?: number;
}

/** A running informer. */
export interface RunningInformer<T extends KubernetesObject> {
  /** Resolves after the first successful list (the cache is warm); stays pending while every list fails. */
  readonly synced: Promise<void>;
  /** Cached objects. */
  list(): readonly T[];
  /** Stops watching; no restart after this. */
  stop(): Promise<void>;
}

/** Starts an informer that keeps itself running until stopped. */
export function startInformer<T extends KubernetesObject>(
  kc: KubeConfig,
  client: KubeClient,
  options: InformerOptions<T>,
): RunningInformer<T> {
  const path = resourcePath(options.ref);
  let resolveSynced: () => void = () => undefined;
  const synced = new Promise<void>((resolve) => {
    resolveSynced = resolve;
  });
  const list = async (): Promise<KubernetesListObject<T>> => {
    const result = await listObjects<T>(client, options.ref, options.labelSelector);
    // client-node fills its cache from the result right after this promise resolves (synchronously, in the
    // continuation): report synced once that has run.
    setImmediate(resolveSynced);
    return result;
  };
  const informer = makeInformer<T>(kc, path, list, options.labelSelector);
  const base = options.backoffMs ?? 500;
  const max = options.maxBackoffMs ?? 30_000;
  const resetAfter = options.resetAfterMs ?? 120_000;
  let delay = base;
  let lastErrorAt = -Infinity;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  informer.on('add', (object) => {
    options.onChange(object, 'add');
  });
  informer.on('update', (object) => {
    options.onChange(object, 'update');
  });
  informer.on('delete', (object) => {
    options.onChange(object, 'delete');
  });
  const failed = (error: unknown): void => {
    if (stopped) return;
    options.onError?.(error);
    const now = performance.now();
    if (now - lastErrorAt >= resetAfter) delay = base;
    lastErrorAt = now;
    const wait = delay;
    delay = Math.min(delay * 2, max);
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!stopped) informer.start().catch(failed);
    }, wait);
  };
  informer.on('error', failed);
  informer.start().catch(failed);

  return {
    synced,
    list: () => informer.list(),
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await informer.stop();
    },
  };
}
