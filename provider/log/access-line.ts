import { pino } from 'pino';
import type { Logger } from './logger.ts';

/** The fields of an access-log line, in their order in the line. */
export interface AccessFields {
  method: string;
  path: string;
  status: number;
  ms: number;
}

/** pino's symbols for what it keeps on a logger (`pino.symbols`, exposed for integrations; not all are typed). */
const symbols = pino.symbols as unknown as Record<string, symbol | undefined>;

/** What pino keeps on `logger` under `pino.symbols[name]`. */
function internal(logger: Logger, name: string): unknown {
  const symbol = symbols[name];
  return symbol === undefined ? undefined : (logger as unknown as Record<symbol, unknown>)[symbol];
}

type AsJson = (obj: object, msg: string, level: number, time: string) => string;

// Stand-ins for the values while pino serialises the template once: plain letters, which no escaping touches.
const TIME = 'kubeoidcAccessTime';
const METHOD = 'kubeoidcAccessMethod';
const PATH = 'kubeoidcAccessPath';
const STATUS = 987_654_321;
const MS = 123_456_789;

/** A string pino writes as `"` + value + `"`: nothing to escape (quote, backslash, control) and no surrogate. */
function plain(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

/** Whether pino writes every `info` line of `logger` as `asJson` makes it, and nothing else happens per line. */
function reproducible(logger: Logger): boolean {
  const hooks = internal(logger, 'hooksSym') as { logMethod?: unknown; streamWrite?: unknown } | undefined;
  const formatters = internal(logger, 'formattersSym') as { log?: unknown } | undefined;
  const stream = internal(logger, 'streamSym') as Record<symbol, unknown> | undefined;
  const needsMetadata = symbols.needsMetadataGsym;
  return (
    hooks !== undefined &&
    formatters !== undefined &&
    stream !== undefined &&
    needsMetadata !== undefined &&
    stream[needsMetadata] !== true &&
    hooks.logMethod === undefined &&
    hooks.streamWrite === undefined &&
    formatters.log === undefined &&
    internal(logger, 'mixinSym') === undefined &&
    internal(logger, 'msgPrefixSym') === undefined
  );
}

/**
 * Writes the access-log line `logger.info({ method, path, status, ms }, msg)` would write, without pino's per-call
 * work: the line is pino's own serialisation of those fields (`asJson`), made once with stand-in values — so the
 * level, the time field's place, the bindings, the field order and the message are pino's — and filled in per line.
 * Only the values change: the time as pino's time function gives it, two strings that need no escaping, two finite
 * numbers. Anything else — a string with a quote, a backslash, a control character or a surrogate, a number that is
 * not finite — goes through pino, and so does every line of a logger whose lines this cannot reproduce (a mixin, a
 * log formatter, hooks, a message prefix, a destination that wants metadata): then this answers undefined.
 * test/log/access-line.test.ts compares the lines with pino's.
 */
export function accessLineWriter(logger: Logger, msg: string): ((fields: AccessFields) => void) | undefined {
  if (!reproducible(logger)) return undefined;
  const stream = internal(logger, 'streamSym') as { write(line: string): unknown };
  const asJson = internal(logger, 'asJsonSym') as AsJson | undefined;
  const time = internal(logger, 'timeSym') as (() => string) | undefined;
  if (asJson === undefined || time === undefined) return undefined;
  const template = asJson.call(
    logger,
    { method: METHOD, path: PATH, status: STATUS, ms: MS },
    msg,
    logger.levels.values.info,
    TIME,
  );
  const marker = new RegExp(`${TIME}|"${METHOD}"|"${PATH}"|${String(STATUS)}|${String(MS)}`);
  const parts = template.split(marker);
  if (parts.length !== 6) return undefined;
  const [beforeTime, beforeMethod, beforePath, beforeStatus, beforeMs, end] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const filled = `${beforeTime}${TIME}${beforeMethod}"${METHOD}"${beforePath}"${PATH}"${beforeStatus}${String(STATUS)}${beforeMs}${String(MS)}${end}`;
  // The stand-ins stood where the fields are, in this order (else the line is not this template).
  if (filled !== template) return undefined;
  return ({ method, path, status, ms }) => {
    if (!plain(method) || !plain(path) || !Number.isFinite(status) || !Number.isFinite(ms)) {
      logger.info({ method, path, status, ms }, msg);
      return;
    }
    stream.write(
      `${beforeTime}${time()}${beforeMethod}"${method}"${beforePath}"${path}"${beforeStatus}${String(status)}${beforeMs}${String(ms)}${end}`,
    );
  };
}
