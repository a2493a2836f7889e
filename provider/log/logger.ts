import { pino, type DestinationStream, type Logger } from 'pino';

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

/**
 * The provider's logger; `destination` lets tests capture every line. By default lines go to standard output without
 * blocking the event loop on each write (`sync: false`): lines logged while a write is in flight are written together,
 * and pino flushes what is left when the process exits.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { service: 'kubeoidc-provider' }, redact: { paths: redactedPaths, censor: '[redacted]' } },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
