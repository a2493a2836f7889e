/**
 * A client-node informer (`makeInformer`: list, then watch, keeping a cache) that restarts after errors with
 * exponential backoff. client-node stops an informer on a watch or list error and reports it; without a restart the
 * operator would silently stop seeing changes.
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
}

/** A running informer. */
export interface RunningInformer<T extends KubernetesObject> {
  /** Resolves after the first list (the cache is warm). */
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
  const list = (): Promise<KubernetesListObject<T>> => listObjects<T>(client, options.ref, options.labelSelector);
  const informer = makeInformer<T>(kc, path, list, options.labelSelector);
  const base = options.backoffMs ?? 500;
  let delay = base;
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
  informer.on('connect', () => {
    delay = base;
  });
  const restart = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      informer.start().catch((error: unknown) => {
        options.onError?.(error);
        restart();
      });
    }, delay);
    delay = Math.min(delay * 2, options.maxBackoffMs ?? 30_000);
  };
  informer.on('error', (error: unknown) => {
    if (stopped) return;
    options.onError?.(error);
    restart();
  });

  const synced = informer.start().catch((error: unknown) => {
    options.onError?.(error);
    restart();
    return new Promise<void>((resolve) => {
      informer.on('connect', () => {
        resolve();
      });
    });
  });
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
