/**
 * Writes the Kubernetes Event of one stream entry exactly once, however often the entry is handled.
 *
 * The event stream is delivered at least once: an entry is acknowledged only after its Event was written, so a
 * failed write, a crash or a leader hand-over makes it come again, possibly on another replica and possibly while
 * the first one is still writing it. Exactly-once comes from the API server's optimistic concurrency:
 *
 * - The Event's name is derived from the entry ({@link seriesEventName}): every replica writes the same object.
 * - The Event carries the ids of the entries it counts in the annotation {@link ENTRIES_ANNOTATION}. An entry
 *   already listed is a replay: nothing is written.
 * - The first entry creates the Event (count 1); each further one adds itself to the list and raises
 *   `series.count` in one patch that names the `resourceVersion` it read. Of two replicas racing, the API server
 *   accepts one and answers the other 409; the loser reads again and finds its entry counted, or counts it on top.
 *
 * The list keeps the newest {@link MAX_REMEMBERED} ids per Event; a replay is recognised as long as its entry is among
 * them (re-deliveries happen within seconds to minutes, while an Event gains at most a few entries per second under
 * the bridge's rate limit).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { objectReference, REPORTING_CONTROLLER, type EventType } from '../controller/events.ts';
import { isConflict, isNotFound, MERGE_PATCH, type KubeClient } from '../kube/client.ts';
import { resourcePath } from '../kube/resources.ts';
import { truncateUtf8 } from '../kube/truncate.ts';
import { entryTimeMs, seriesEventName } from './event-identity.ts';

/** Annotation on a bridged Event: the stream entry ids it counts, oldest first, space-separated. */
export const ENTRIES_ANNOTATION = 'kubeoidc.dev/stream-entries';

/** Entry ids remembered per Event. */
export const MAX_REMEMBERED = 300;

/** The API server's limit on an Event's note, in bytes. */
export const NOTE_LIMIT_BYTES = 1024;

/** Attempts of the read-modify-write cycle before giving up on contention (the entry is then retried later). */
const MAX_ATTEMPTS = 8;

/** What one entry says. */
export interface BridgedEvent {
  readonly type: EventType;
  readonly reason: string;
  readonly action: string;
  readonly note: string;
}

/** What writing an entry did. */
export type WriteOutcome = 'created' | 'counted' | 'replayed' | 'declined';

interface StoredEvent {
  metadata: { name: string; resourceVersion?: string; annotations?: Record<string, string> };
  series?: { count: number; lastObservedTime?: string };
}

/** Writes bridged Events. */
export interface StreamEventWriter {
  /**
   * Makes entry `entryId` count once in its Event on `regarding`. `admit` is asked once, only when the entry is not
   * a replay; when it says no, nothing is written (`declined`). Throws when the API server cannot be reached or
   * refuses for a reason worth retrying; the caller then keeps the entry unacknowledged and tries again.
   */
  write(regarding: KubernetesObject, event: BridgedEvent, entryId: string, admit: () => boolean): Promise<WriteOutcome>;
}

const microTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');

/** The later of two MicroTime strings (same fixed-width format, so they compare as text). */
const latest = (a: string | undefined, b: string): string => (a !== undefined && a > b ? a : b);

const entriesOf = (event: StoredEvent): string[] =>
  (event.metadata.annotations?.[ENTRIES_ANNOTATION] ?? '').split(' ').filter((id) => id !== '');

/** A writer through `client`; `instance` is this operator replica (`reportingInstance`). */
export function streamEventWriter(client: KubeClient, instance: string): StreamEventWriter {
  return {
    async write(regarding, event, entryId, admit) {
      const namespace = regarding.metadata?.namespace ?? 'default';
      const name = seriesEventName(regarding, event, entryId);
      const path = resourcePath({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace, name });
      const at = microTime(entryTimeMs(entryId));
      let admitted: boolean | undefined;
      const mayWrite = (): boolean => (admitted ??= admit());

      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        let existing: StoredEvent | undefined;
        try {
          existing = await client.request<StoredEvent>('GET', path);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        if (existing !== undefined && entriesOf(existing).includes(entryId)) return 'replayed';
        if (!mayWrite()) return 'declined';
        try {
          if (existing === undefined) {
            await client.request('POST', resourcePath({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace }), {
              body: {
                apiVersion: 'events.k8s.io/v1',
                kind: 'Event',
                metadata: { name, namespace, annotations: { [ENTRIES_ANNOTATION]: entryId } },
                eventTime: at,
                reportingController: REPORTING_CONTROLLER,
                reportingInstance: instance,
                action: event.action,
                reason: event.reason,
                type: event.type,
                note: truncateUtf8(event.note, NOTE_LIMIT_BYTES),
                regarding: objectReference(regarding),
              },
            });
            return 'created';
          }
          const entries = [...entriesOf(existing), entryId].slice(-MAX_REMEMBERED);
          await client.request('PATCH', path, {
            contentType: MERGE_PATCH,
            body: {
              // The resourceVersion read above: the API server refuses the patch (409) if another write came first.
              metadata: {
                resourceVersion: existing.metadata.resourceVersion,
                annotations: { [ENTRIES_ANNOTATION]: entries.join(' ') },
              },
              series: {
                count: (existing.series?.count ?? 1) + 1,
                // Entries may be handled out of order (re-deliveries): the series ends at the latest one seen.
                lastObservedTime: latest(existing.series?.lastObservedTime, at),
              },
            },
          });
          return 'counted';
        } catch (error) {
          // 409: created or changed by another replica meanwhile (AlreadyExists or Conflict) — read again.
          // 404 on the patch: the Event expired (the API server's event TTL) between read and write — create it anew.
          if (!isConflict(error) && !isNotFound(error)) throw error;
        }
      }
      throw new Error(`Event ${namespace}/${name}: still contended after ${MAX_ATTEMPTS} attempts`);
    },
  };
}
