/**
 * The event-stream record: what a provider replica appends to the Redis stream `<keyPrefix>events` and the operator
 * reads back to write Kubernetes Events (DESIGN.md "Event bridge"). Published for the operator, which imports only
 * this module from the provider's event stream, so it stays free of Redis, express and metrics.
 *
 * A record carries what an administrator needs to see that something is wrong and for which client — never a secret,
 * token, code, password, account id, IP address or stack trace (docs/event-bridge.md says why each field is safe).
 * A Redis stream entry is a flat list of field/value strings; absent optional fields are simply not written.
 */

/** One streamed provider event. */
export interface EventStreamRecord {
  /** Provider event name (EVENTS.md), e.g. `grant.error`. */
  readonly event: string;
  /** When the provider emitted it (ISO 8601, UTC). */
  readonly time: string;
  /** Issuer of the provider that emitted it (several providers may share one Redis). */
  readonly issuer: string;
  /** The client the event concerns, once the request identified it. */
  readonly clientId?: string;
  /** RFC error code (`invalid_grant`, `server_error`, …); a code the provider does not produce is `other`. */
  readonly error?: string;
  /** The error description the client was shown (only exposed descriptions; never for `server_error`). */
  readonly description?: string;
  /** Endpoint (route id) the event happened at, e.g. `token`. */
  readonly endpoint?: string;
  /** Grant type of a token request, when known (a replay's kind for `grant.revoked`). */
  readonly grantType?: string;
}

/** Suffix of the stream key after the storage `keyPrefix`: the stream is `<keyPrefix>events`. */
export const STREAM_KEY_SUFFIX = 'events';

/** The stream key for a storage key prefix. */
export function streamKey(keyPrefix: string): string {
  return `${keyPrefix}${STREAM_KEY_SUFFIX}`;
}

/** Longest description kept (a description may quote a client-supplied value; Events notes are bounded too). */
export const MAX_DESCRIPTION_LENGTH = 256;

const optionalFields = ['clientId', 'error', 'description', 'endpoint', 'grantType'] as const;

/** The stream entry's field/value list (`XADD key * f1 v1 f2 v2 …`). */
export function toStreamFields(record: EventStreamRecord): string[] {
  const fields = ['event', record.event, 'time', record.time, 'issuer', record.issuer];
  for (const name of optionalFields) {
    const value = record[name];
    if (value !== undefined) fields.push(name, value);
  }
  return fields;
}

/** Parses a stream entry's field/value list; `undefined` when it is not a record (missing required fields). */
export function fromStreamFields(fields: readonly string[] | null | undefined): EventStreamRecord | undefined {
  if (!fields) return undefined;
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  const event = map.get('event');
  const time = map.get('time');
  const issuer = map.get('issuer');
  if (!event || !time || !issuer) return undefined;
  const record: Record<string, string> = { event, time, issuer };
  for (const name of optionalFields) {
    const value = map.get(name);
    if (value !== undefined) record[name] = value;
  }
  return record as unknown as EventStreamRecord;
}
