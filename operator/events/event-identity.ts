/**
 * The identity of the Kubernetes Event a stream entry becomes, derived from the entry alone so that every operator
 * replica that handles the same entry (a re-delivery after a failed write, an entry claimed from a consumer that was
 * still working on it, a leader hand-over) arrives at the same Event object: a replay updates that object instead of
 * adding another one.
 *
 * Repeats of the same (object, type, reason, note) within one {@link SERIES_WINDOW_MS} window share one Event and
 * count as its series. The window is taken from the entry's id (Redis stream ids start with the milliseconds at
 * which the entry was added), not from the clock of the replica that handles it, so all replicas agree.
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { SERIES_WINDOW_MS } from '../controller/events.ts';

/** The recorder's series window; here windows are aligned to the epoch so every replica computes the same one. */
export { SERIES_WINDOW_MS };

/** Longest object name kept as the Event name's readable prefix (names are at most 253 characters). */
const MAX_PREFIX = 200;

/** Milliseconds since the epoch at which a stream entry was added (`1733000000000-0` → 1733000000000). */
export function entryTimeMs(entryId: string): number {
  const ms = Number.parseInt(entryId.split('-', 1)[0] ?? '', 10);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`not a stream entry id: ${entryId}`);
  return ms;
}

/** What an Event says, without where it came from. */
export interface EventContent {
  readonly type: string;
  readonly reason: string;
  readonly note: string;
}

/**
 * The name of the Event that the entry `entryId` with `content` about `regarding` joins:
 * `<object name>.<16 hex digits of a hash of the object's uid, the content and the window>`.
 */
export function seriesEventName(regarding: KubernetesObject, content: EventContent, entryId: string): string {
  const window = Math.floor(entryTimeMs(entryId) / SERIES_WINDOW_MS);
  const digest = createHash('sha256')
    .update([regarding.metadata?.uid ?? '', content.type, content.reason, content.note, String(window)].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
  const prefix = (regarding.metadata?.name ?? 'object').slice(0, MAX_PREFIX).replace(/[^a-z0-9.-]/g, '-');
  return `${prefix.replace(/[.-]+$/, '')}.${digest}`;
}
