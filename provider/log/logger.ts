import { pino, type DestinationStream, type Logger } from 'pino';
import { LineBatch } from './line-batch.ts';

/**
 * Structured JSON logs (pino). Anything that could carry a secret is redacted at the logger, as a second line of
 * defence: code logs ids and outcomes, never tokens, codes, passwords or client secrets.
 */
export const redactedPaths = [
  'password',
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'assertion',
  'client_assertion',
  'authorization',
  'cookie',
  '*.password',
  '*.client_secret',
  '*.code',
  '*.code_verifier',
  '*.refresh_token',
  '*.access_token',
  '*.id_token',
  '*.token',
  '*.client_assertion',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

export type { Logger };

/** Characters of log lines gathered before they are written to standard output in one write (see `createLogger`). */
export const LOG_BUFFER_BYTES = 4096;

/** The longest a line waits in that buffer (ms): a quiet provider's last lines are written within this. */
export const LOG_FLUSH_INTERVAL_MS = 200;

/**
 * The provider's logger; `destination` lets tests capture every line. By default lines go to standard output without
 * blocking the event loop on each write (`sync: false`: the write runs on libuv's thread pool). Lines are gathered
 * until `LOG_BUFFER_BYTES` characters are waiting, or for at most `LOG_FLUSH_INTERVAL_MS`, and then written at once
 * (`line-batch.ts`): a busy provider writes about one access-log line per request (six per code flow), and one
 * thread-pool write per line cost ≈ 5 % of its CPU in the code flow (docs/performance.md). What is gathered is written
 * when the process exits.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { service: 'kubeoidc-provider' }, redact: { paths: redactedPaths, censor: '[redacted]' } },
    destination ??
      new LineBatch(pino.destination({ dest: 1, sync: false, minLength: 0 }), {
        minLength: LOG_BUFFER_BYTES,
        intervalMs: LOG_FLUSH_INTERVAL_MS,
      }),
  );
}
