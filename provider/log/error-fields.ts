/**
 * What of an error object may reach a log line: an allow-list, never the object itself. Errors from libraries carry
 * more than their message — ioredis attaches the failed command with all its arguments (a whole stored record,
 * secret material included) to every error reply, and HTTP clients attach requests — and pino would serialise every
 * enumerable property. So only the name, the message (bounded), a string or numeric `code`, the stack frames and the
 * same fields of the `cause` chain (bounded depth) are kept.
 */

/**
 * The loggable part of an error, as pino's `err` field. A null-prototype object: pino's error serializer then takes
 * the type from `name` (not from the constructor) and adds nothing else.
 */
export interface ErrorLogFields {
  name: string;
  message: string;
  code?: string | number;
  stack?: string;
  cause?: ErrorLogFields;
}

const MAX_MESSAGE = 500;
const MAX_DEPTH = 3;

function bounded(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/** The allow-listed fields of anything thrown. */
export function errorLogFields(error: unknown, depth = 0): ErrorLogFields {
  const fields = Object.create(null) as ErrorLogFields;
  if (!(error instanceof Error)) return Object.assign(fields, { name: typeof error, message: bounded(String(error)) });
  Object.assign(fields, { name: error.name, message: bounded(error.message) });
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' || typeof code === 'number') fields.code = code;
  // The stack's first line repeats the message; the frames name only code locations.
  if (typeof error.stack === 'string') {
    const frames = error.stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
    fields.stack = [`${error.name}: ${fields.message}`, ...frames].join('\n');
  }
  if (error.cause !== undefined && depth < MAX_DEPTH) fields.cause = errorLogFields(error.cause, depth + 1);
  return fields;
}
