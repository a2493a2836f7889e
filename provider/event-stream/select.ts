/**
 * Which provider events go to the stream, and the record each becomes. DESIGN.md: success events stay metrics only;
 * the stream carries what an administrator should see as a Kubernetes Event — handled errors of every endpoint,
 * `server_error` (a bug or an outage), failed back-channel logouts, and `grant.revoked` when the token endpoint
 * detected a replayed code or refresh token (a leaked credential). Error codes that are ordinary steps of a flow are
 * left out: `authorization_pending` (every device-flow poll) and the `prompt=none` answers `login_required`,
 * `consent_required`, `interaction_required` (silent re-authentication of single-page apps).
 *
 * Fields come from an allowlist (`record.ts`): a model object or an `Error` is never copied whole, so a secret cannot
 * reach the stream even if one is added to a model or an error message.
 */
import type { RequestContext } from '../events/context.ts';
import { eventNames, type EventName } from '../events/events.ts';
import { ClientAuthenticationError } from '../clients/authentication/errors.ts';
import { knownErrorCodes, OIDCError } from '../errors/oidc-error.ts';
import { StorageUnavailableError } from '../storage/adapter.ts';
import { MAX_DESCRIPTION_LENGTH, type EventStreamRecord } from './record.ts';

/** Error codes that are an expected step of a flow, not a problem: never streamed. */
export const flowErrorCodes: ReadonlySet<string> = new Set([
  'authorization_pending',
  'login_required',
  'consent_required',
  'interaction_required',
]);

/** Events that are streamed (subject to {@link flowErrorCodes} and the replay condition of `grant.revoked`). */
export const streamedEvents: readonly EventName[] = [
  ...eventNames.filter((name) => name.endsWith('.error')),
  'server_error',
  'grant.revoked',
];

const grantTypes = new Set([
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
]);

const errorCode = (code: string): string => (knownErrorCodes.has(code) ? code : 'other');

/** The code of what `server_error` carries: the error as the client saw it, never its message or stack. */
function serverErrorCode(error: unknown): string {
  if (error instanceof StorageUnavailableError) return 'temporarily_unavailable';
  if (error instanceof OIDCError) return errorCode(error.error);
  return 'server_error';
}

function base(event: EventName, ctx: RequestContext, issuer: string, time: string): EventStreamRecord {
  const { client, grantType, route } = ctx.oidc;
  return {
    event,
    time,
    issuer,
    endpoint: route,
    ...(client ? { clientId: client.clientId } : {}),
    ...(grantType !== undefined && grantTypes.has(grantType) ? { grantType } : {}),
  };
}

/**
 * The record for one emitted event, or `undefined` when it is not streamed. `args` are the listener arguments of
 * `event` (EVENTS.md).
 */
export function recordOf(
  event: EventName,
  args: readonly unknown[],
  issuer: string,
  now: number,
): EventStreamRecord | undefined {
  const ctx = args[0] as RequestContext;
  const time = new Date(now).toISOString();
  if (event === 'grant.revoked') {
    // Only the token endpoint revokes a grant because a code or refresh token was presented again.
    return ctx.oidc.route === 'token' ? { ...base(event, ctx, issuer, time), error: 'invalid_grant' } : undefined;
  }
  if (event === 'server_error') return { ...base(event, ctx, issuer, time), error: serverErrorCode(args[1]) };
  if (event === 'backchannel.error') {
    // The error is the client's endpoint failing (network, status): its message may quote the endpoint's answer.
    const client = args[2] as { clientId?: unknown } | undefined;
    const fields = { ...base(event, ctx, issuer, time), endpoint: 'backchannel', error: 'other' };
    return typeof client?.clientId === 'string' ? { ...fields, clientId: client.clientId } : fields;
  }
  if (!event.endsWith('.error')) return undefined;
  const error = args[1];
  if (!(error instanceof OIDCError) || flowErrorCodes.has(error.error)) return undefined;
  const identified = base(event, ctx, issuer, time);
  // A failed client authentication identified no client, but the registered client it claimed to be is what its
  // owner needs to see the failure on (a stale or leaked secret): the Event goes on that OIDCClient.
  const claimed = error instanceof ClientAuthenticationError ? error.claimedClientId : undefined;
  const record = {
    ...identified,
    ...(identified.clientId === undefined && claimed !== undefined ? { clientId: claimed } : {}),
    error: errorCode(error.error),
  };
  return error.expose && error.errorDescription
    ? { ...record, description: error.errorDescription.slice(0, MAX_DESCRIPTION_LENGTH) }
    : record;
}
