import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import qs from 'qs';

/**
 * Reads and parses an `application/x-www-form-urlencoded` body the way the back-channel endpoints' Express chain does
 * (`express.urlencoded({ extended: false, limit: '64kb' })`, body-parser 2), for the form front (`form-front.ts`),
 * which answers those POSTs without Express. Only what the form front lets through is handled here — a body with a
 * `Content-Length` within the limit, no `Content-Encoding`, charset UTF-8 — so the limit and the compression cases stay
 * with body-parser. What must be identical, and is: the text (UTF-8, a leading BOM dropped, as iconv-lite does), the
 * parameter count limit (1000 → 413), and the parse itself (the same `qs` with the same options, so duplicates become
 * arrays that the endpoints refuse, and bracketed or prototype-named keys come out as before).
 */

/** body-parser's `limit: '64kb'` in bytes. */
export const formBodyLimit = 64 * 1024;

const parameterLimit = 1000;

/** An error the error handlers classify as the client's (`status` 4xx → 400 invalid_request), as body-parser's are. */
export class FormBodyError extends Error {
  readonly status: number;
  readonly expose = true;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Parses the decoded body text as body-parser's urlencoded parser (`extended: false`) does. */
export function parseForm(text: string): Record<string, unknown> {
  if (text.length === 0) return {};
  const count = parameterCount(text);
  if (count === undefined) throw new FormBodyError(413, 'too many parameters');
  try {
    return qs.parse(text, {
      allowPrototypes: true,
      arrayLimit: count,
      depth: 0,
      charset: 'utf-8',
      parameterLimit,
      strictDepth: true,
    });
  } catch (error) {
    // body-parser answers anything the parse throws with 400 (a RangeError being qs's depth limit).
    throw new FormBodyError(400, error instanceof RangeError ? 'The input exceeded the depth' : 'invalid form body');
  }
}

/** `&`-separated parts up to the limit; undefined past it (body-parser's `parameterCount`). */
function parameterCount(body: string): number | undefined {
  let count = 0;
  let index = -1;
  do {
    count += 1;
    if (count > parameterLimit) return undefined;
    index = body.indexOf('&', index + 1);
  } while (index !== -1);
  return count;
}

/**
 * Reads the whole body as UTF-8 and parses it; `done` is called once, with the parsed form or with the error body-parser
 * would give (a client that went away, a stream error: 400).
 */
export function readForm(req: IncomingMessage, done: (error: unknown, form?: Record<string, unknown>) => void): void {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let settled = false;
  const settle = (error: unknown, form?: Record<string, unknown>): void => {
    if (settled) return;
    settled = true;
    req.removeListener('data', onData);
    done(error, form);
  };
  const onData = (chunk: Buffer): void => {
    text += decoder.write(chunk);
  };
  req.on('data', onData);
  req.on('aborted', () => {
    settle(new FormBodyError(400, 'request aborted'));
  });
  // body-parser makes any read error a 400.
  req.on('error', (error) => {
    settle(new FormBodyError(400, error.message));
  });
  req.on('end', () => {
    text += decoder.end();
    // iconv-lite, which body-parser decodes with, drops a leading byte order mark.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let form: Record<string, unknown>;
    try {
      form = parseForm(text);
    } catch (error) {
      settle(error);
      return;
    }
    settle(undefined, form);
  });
}
