/**
 * One HTTP(S) request of the registration client, with `node:http`/`node:https` rather than `fetch` because the
 * certificate of an https provider endpoint may have to be verified against a CA bundle the OIDCProvider names
 * (`registrationEndpoint.caSecretRef`), which `fetch` cannot take per request. Redirects are never followed (a
 * token goes to the URL it was meant for or nowhere); the whole exchange is bounded by `timeoutMs`.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What {@link send} needs. */
export interface SendOptions {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  /** PEM certificates trusted for an https URL (default: Node's trust store). */
  readonly ca?: string | undefined;
  readonly timeoutMs: number;
}

/** A response: status and body text. */
export interface SendResult {
  readonly status: number;
  readonly text: string;
}

/** Thrown when the request did not finish in time. */
export class SendTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/** Sends one request; rejects on network and TLS errors and on the timeout. */
export function send(url: string, options: SendOptions): Promise<SendResult> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const req = request(
      target,
      {
        method: options.method,
        headers: {
          ...options.headers,
          ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }),
        },
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        signal,
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    req.on('error', (error) => {
      reject(signal.aborted ? new SendTimeoutError(options.timeoutMs) : error);
    });
    req.end(options.body);
  });
}
