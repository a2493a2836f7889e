/**
 * Kubernetes Events (`events.k8s.io/v1`) about what the operator does, attached to the object concerned. Recording
 * never fails the caller: an Event is a report, not part of the reconcile.
 *
 * A repeat of the same Event (same object, type, reason and note) within {@link SERIES_WINDOW_MS} does not create a
 * new object: the first one becomes a series (`series.count`, `series.lastObservedTime`), as client-go's recorder
 * does, so a failure retried with backoff shows up as one Event with a count.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { isNotFound, MERGE_PATCH, type KubeClient } from '../kube/client.ts';
import { resourcePath } from '../kube/resources.ts';
import { truncateUtf8 } from '../kube/truncate.ts';
import type { Clock } from '../time.ts';

/** Event type. */
export type EventType = 'Normal' | 'Warning';

/** Records Events. */
export interface EventRecorder {
  /** Records that `action` happened to `regarding` for `reason` (CamelCase); `note` is for humans, never secrets. */
  record(regarding: KubernetesObject, type: EventType, reason: string, action: string, note: string): Promise<void>;
}

/** The reference an Event's `regarding` holds to `object` (namespace `default` when it has none). */
export function objectReference(object: KubernetesObject): Record<string, string | undefined> {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata?.name,
    namespace: object.metadata?.namespace ?? 'default',
    uid: object.metadata?.uid,
  };
}

/** The controller name in every Event (`reportingController`). */
export const REPORTING_CONTROLLER = 'kubeoidc.dev/operator';

/** Repeats within this window join the first Event's series. */
export const SERIES_WINDOW_MS = 10 * 60_000;

/** Remembered series at most (oldest forgotten first), so memory stays bounded. */
const MAX_SERIES = 1000;

interface Series {
  name: string;
  namespace: string;
  count: number;
  firstAt: number;
}

const microTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');

/** Writes Events through the API; `instance` identifies this operator replica (`reportingInstance`). */
export function apiEventRecorder(
  client: KubeClient,
  clock: Clock,
  instance: string,
  onError: (error: unknown) => void = () => undefined,
): EventRecorder {
  const series = new Map<string, Series>();
  const events = (namespace: string, name?: string): string =>
    resourcePath({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace, name });

  async function repeat(known: Series, now: number): Promise<boolean> {
    known.count += 1;
    try {
      await client.request('PATCH', events(known.namespace, known.name), {
        contentType: MERGE_PATCH,
        body: { series: { count: known.count, lastObservedTime: microTime(now) } },
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false; // expired: start a new Event
      throw error;
    }
  }

  return {
    async record(regarding, type, reason, action, note) {
      const namespace = regarding.metadata?.namespace ?? 'default';
      const now = clock.now();
      const key = [regarding.metadata?.uid, type, reason, note].join('\u0000');
      try {
        const known = series.get(key);
        if (known !== undefined && now - known.firstAt < SERIES_WINDOW_MS && (await repeat(known, now))) return;
        const created = await client.request<{ metadata: { name: string } }>('POST', events(namespace), {
          body: {
            apiVersion: 'events.k8s.io/v1',
            kind: 'Event',
            metadata: { generateName: `${regarding.metadata?.name ?? 'object'}-`, namespace },
            eventTime: microTime(now),
            reportingController: REPORTING_CONTROLLER,
            reportingInstance: instance,
            action,
            reason,
            type,
            note: truncateUtf8(note, 1024), // the API server's limit is 1 kB, counted in bytes
            regarding: objectReference(regarding),
          },
        });
        series.delete(key);
        series.set(key, { name: created.metadata.name, namespace, count: 1, firstAt: now });
        if (series.size > MAX_SERIES) series.delete(series.keys().next().value ?? '');
      } catch (error) {
        onError(error);
      }
    },
  };
}
