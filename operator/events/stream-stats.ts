/**
 * How far the consumer group is behind one provider's stream, and what trimming took before the group read it.
 *
 * The provider keeps its stream bounded (`XADD … MAXLEN ~`): when the operator is away or slow for long enough,
 * entries are trimmed before any replica read them, and those records never become Events. That loss cannot be
 * prevented without an unbounded stream, but it must not be silent: `XINFO GROUPS` gives the group's lag (entries
 * added but not yet delivered, Redis ≥ 7) and its last delivered id; when the oldest entry still in the stream is
 * newer than that id, everything undelivered that is no longer in the stream was trimmed unread.
 *
 * Redis keeps counting those trimmed entries in the group's lag for ever (its read counter only advances by what it
 * delivers), so once a gap is counted {@link settleGap} tells the group that everything before the oldest entry
 * still in the stream is behind it (`XGROUP SETID … ENTRIESREAD`), and the lag is true again.
 */
import type { Cluster, Redis } from 'ioredis';

/** One observation of a consumer group. */
export interface GroupStats {
  /** Entries added to the stream and not yet delivered to the group; undefined when Redis cannot tell. */
  readonly lag: number | undefined;
  /** Id of the last entry delivered to the group. */
  readonly lastDeliveredId: string;
  /** Undelivered entries that trimming removed (0 when none, or when Redis cannot tell). */
  readonly trimmedUnread: number;
  /** Entries ever added to the stream, and entries in it now. */
  readonly entriesAdded: number;
  readonly length: number;
}

/** Compares two stream ids (`ms-seq`) numerically. */
export function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map((part) => BigInt(part));
  const [bm = 0n, bs = 0n] = b.split('-').map((part) => BigInt(part));
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** A flat `[name, value, name, value, …]` reply as a map. */
function fields(reply: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  if (!Array.isArray(reply)) return map;
  for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), reply[i + 1]);
  return map;
}

const count = (value: unknown): number | undefined =>
  typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;

/** Pure: the stats from the replies of `XINFO GROUPS` (for `group`) and `XINFO STREAM`. */
export function groupStats(groupsReply: unknown, streamReply: unknown, group: string): GroupStats | undefined {
  const groups = Array.isArray(groupsReply) ? groupsReply.map(fields) : [];
  const ours = groups.find((info) => info.get('name') === group);
  if (ours === undefined) return undefined;
  const delivered = ours.get('last-delivered-id');
  const lastDeliveredId = typeof delivered === 'string' ? delivered : '0-0';
  const lag = count(ours.get('lag'));
  const stream = fields(streamReply);
  const length = count(stream.get('length')) ?? 0;
  const first = stream.get('first-entry');
  const firstId = Array.isArray(first) && typeof first[0] === 'string' ? first[0] : undefined;
  // Everything still in the stream is newer than what the group has seen: the rest of the lag was trimmed.
  const gap = firstId !== undefined && compareIds(firstId, lastDeliveredId) > 0 && lag !== undefined;
  const entriesAdded = count(stream.get('entries-added')) ?? 0;
  return { lag, lastDeliveredId, trimmedUnread: gap ? Math.max(0, lag - length) : 0, entriesAdded, length };
}

/** Reads the stats of `group` on the stream `key`. */
export async function readGroupStats(
  redis: Redis | Cluster,
  key: string,
  group: string,
): Promise<GroupStats | undefined> {
  const [groups, stream] = await Promise.all([redis.call('XINFO', 'GROUPS', key), redis.call('XINFO', 'STREAM', key)]);
  return groupStats(groups, stream, group);
}

/**
 * Marks a counted gap as read: keeps the group's last delivered id and sets its read counter to "everything before
 * what the stream still holds". Another consumer may have read meanwhile; then the id moves back a little and a few
 * entries are delivered again, which the bridge recognises as replays.
 */
export async function settleGap(redis: Redis | Cluster, key: string, group: string, stats: GroupStats): Promise<void> {
  await redis.call(
    'XGROUP',
    'SETID',
    key,
    group,
    stats.lastDeliveredId,
    'ENTRIESREAD',
    String(stats.entriesAdded - stats.length),
  );
}
