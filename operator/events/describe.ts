/**
 * How a streamed provider event reads as a Kubernetes Event (docs/event-bridge.md). The reason is CamelCase and
 * bounded: the RFC error code for an error (`invalid_grant` → `InvalidGrant`, `server_error` → `ServerError`, an
 * unknown code `other` → `OtherError`), the event name otherwise (`grant.revoked` → `GrantRevoked`); the action is
 * always the event name (`grant.error` → `GrantError`). Errors and detected replays (`grant.revoked`: a code or
 * refresh token was presented twice, so one leaked) are `Warning`, except the error codes that report a person's or a
 * well-behaved client's ordinary choice rather than a problem ({@link ordinaryErrorCodes}); anything else `Normal`.
 */
import type { EventType } from '../controller/events.ts';
import type { EventStreamRecord } from '../../provider/event-stream/record.ts';

/** `grant.error` → `GrantError`, `invalid_grant` → `InvalidGrant`. */
export function camelCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Error codes that are not a problem of the client or the provider: `access_denied` is a user pressing Deny on the
 * consent page (or the device page), `slow_down` a device-flow client told to poll less often. Normal Events.
 */
export const ordinaryErrorCodes: ReadonlySet<string> = new Set(['access_denied', 'slow_down']);

const isError = (record: EventStreamRecord): boolean =>
  record.event.endsWith('.error') || record.event === 'server_error';

/** The Event's type, reason, action and note (for humans; never a secret — the record holds none). */
export function describeRecord(record: EventStreamRecord): {
  type: EventType;
  reason: string;
  action: string;
  note: string;
} {
  const error = isError(record) && record.error !== undefined ? record.error : undefined;
  const reason = error === undefined ? camelCase(record.event) : error === 'other' ? 'OtherError' : camelCase(error);
  const warning = (isError(record) && !ordinaryErrorCodes.has(record.error ?? '')) || record.event === 'grant.revoked';
  const where = record.endpoint === undefined ? '' : ` at ${record.endpoint}`;
  const what =
    record.event === 'grant.revoked'
      ? `a ${record.grantType ?? 'grant'} was presented again: every token of its grant was revoked`
      : `${record.error ?? 'error'}${record.description === undefined ? '' : `: ${record.description}`}`;
  const client = record.clientId === undefined ? '' : ` (client ${record.clientId})`;
  return {
    type: warning ? 'Warning' : 'Normal',
    reason: reason.slice(0, 128),
    action: camelCase(record.event).slice(0, 128),
    note: `${record.event}${where}: ${what}${client}`,
  };
}
