import type { RequestContext } from '../events/context.ts';
import { eventNames, type EventName, type ProviderEmitter } from '../events/events.ts';
import { accessLineWriter, type AccessFields } from './access-line.ts';
import { errorLogFields } from './error-fields.ts';
import type { Logger } from './logger.ts';

/**
 * Logs are one more listener of the provider's events (DESIGN.md): one structured line per event, built from an
 * allowlist of fields — ids, names, error codes — never from whole objects, so no token, code, CSRF token, password or
 * client secret can reach a log line even if a model grows a secret field. Stored ids (`jti`) of tokens and codes are
 * hashes of the values (provider/tokens/opaque.ts), safe to log. Levels: lifecycle and success events at `debug`,
 * handled errors (a client's mistake) at `info`, revoked grants at `warn`, `server_error` at `error` with the error's
 * allow-listed fields (`error-fields.ts`: name, message, code, stack frames — never what a library attached to it).
 */

type Fields = Record<string, unknown>;

function isContext(value: unknown): value is RequestContext {
  return typeof value === 'object' && value !== null && 'requestId' in value && 'oidc' in value;
}

function contextFields(ctx: RequestContext): Fields {
  const fields: Fields = { requestId: ctx.requestId, route: ctx.oidc.route, method: ctx.method, path: ctx.path };
  if (ctx.oidc.client) fields.clientId = ctx.oidc.client.clientId;
  if (ctx.oidc.grantType) fields.grantType = ctx.oidc.grantType;
  return fields;
}

/** The loggable fields of a stored model (events' `(token)`, `(code)`, `(session)` … argument). */
function modelFields(model: object): Fields {
  const fields: Fields = {};
  for (const name of ['kind', 'jti', 'clientId', 'grantId', 'gty', 'format', 'exp'] as const) {
    const value = (model as Record<string, unknown>)[name];
    if (typeof value === 'string' || typeof value === 'number') fields[name] = value;
  }
  return fields;
}

function errorFields(error: unknown): Fields {
  const { error: code, errorDescription } = error as { error?: unknown; errorDescription?: unknown };
  return typeof code === 'string' ? { error: code, errorDescription } : {};
}

function line(event: EventName, args: readonly unknown[]): Fields {
  const [first, second] = args;
  if (isContext(first)) {
    const fields: Fields = { event, ...contextFields(first) };
    if (event === 'grant.revoked' && typeof second === 'string') fields.grantId = second;
    else if (event === 'interaction.started' && typeof second === 'object' && second !== null) {
      fields.prompt = (second as { name?: unknown }).name;
    } else if (second !== undefined) Object.assign(fields, errorFields(second));
    if (event === 'backchannel.error' || event === 'backchannel.success') {
      const client = event === 'backchannel.error' ? args[2] : second;
      fields.clientId = (client as { clientId?: unknown } | undefined)?.clientId;
    }
    return fields;
  }
  return typeof first === 'object' && first !== null ? { event, ...modelFields(first) } : { event };
}

/**
 * Subscribes the logger to every event. Lines other than `server_error` are written without the redaction pass:
 * `line()` builds them from the allowlist above, whose field names (ids, route, method, path, error code and
 * description, model kind, `jti`, `gty`, `format`, `exp`) no redacted path names, so the pass changed nothing and cost
 * ≈ 30 µs per line — on every handled error, e.g. each `authorization_pending` poll (docs/performance.md).
 * `server_error` lines keep it: their `err` fields come from a thrown object.
 */
export function logEvents(events: ProviderEmitter, logger: Logger): void {
  const allowlisted = logger.child({}, { redact: [] });
  for (const event of eventNames) {
    const level =
      event === 'server_error'
        ? 'error'
        : event === 'grant.revoked'
          ? 'warn'
          : event.endsWith('.error')
            ? 'info'
            : 'debug';
    events.on(event, (...args: unknown[]) => {
      // Most events are `debug`, off by default: build no fields for a line that would be dropped.
      if (!logger.isLevelEnabled(level)) return;
      const fields = line(event, args);
      if (level === 'error') logger.error({ ...fields, err: errorLogFields(args[1]) }, event);
      else allowlisted[level](fields, event);
    });
  }
}

/**
 * The access log: one line per finished request with the route path (no query), method, status and duration, and
 * nothing else. It writes through a child of the provider's logger without the redaction pass: these four fields
 * cannot hold a secret, and redaction cost about 30 µs per line — the largest per-request cost of the default `info`
 * level (docs/performance.md). Every other line keeps the redaction of `logger.ts`. The line itself is pino's, filled
 * in without pino's per-call work (`access-line.ts`): it is written on every request.
 */
export function accessLog(
  logger: Logger,
): (sample: { path: string; method: string; status: number; seconds: number }) => void {
  const access = logger.child({}, { redact: [] });
  const write =
    accessLineWriter(access, 'request') ??
    ((fields: AccessFields) => {
      access.info(fields, 'request');
    });
  return (sample) => {
    if (!access.isLevelEnabled('info')) return;
    write({ method: sample.method, path: sample.path, status: sample.status, ms: Math.round(sample.seconds * 1000) });
  };
}
