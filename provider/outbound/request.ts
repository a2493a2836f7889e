import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { nodeHttp } from '../http/node-http.ts';
import type { OutboundPolicy } from './policy.ts';

/**
 * One request to a URL a client chose, under the outbound policy: the host is checked before connecting (address
 * literals, internal names), and — since a name can resolve anywhere, and differently on each lookup (DNS rebinding)
 * — the connection's own DNS lookup is replaced by one that checks every address it resolves and refuses the
 * connection if any is denied. So the address checked is the address connected to. Redirects are never followed (a
 * 3xx is returned as it is), the whole exchange must finish within `timeoutMs`, and a response body larger than
 * `maxBytes` aborts it. Errors say what went wrong without the URL's query or any body.
 */

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Deadline for connecting, sending and reading the whole response (ms). */
  timeoutMs: number;
  /** Largest response body accepted (bytes). */
  maxBytes: number;
  /** Aborts the request early (e.g. jose's own timeout). */
  signal?: AbortSignal | undefined;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** An outbound request that was refused or failed; `reason` is safe to log and to put in an event. */
export class OutboundRequestError extends Error {
  readonly reason: 'denied' | 'timeout' | 'too_large' | 'failed';
  constructor(reason: OutboundRequestError['reason'], message: string) {
    super(message);
    this.name = 'OutboundRequestError';
    this.reason = reason;
  }
}

/** A DNS lookup that answers only with addresses the policy allows, and fails when any answer is denied. */
export function checkedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const allowedByName = policy.allowsHostByName(hostname);
      const problem = allowedByName ? undefined : addresses.map((a) => policy.addressProblem(a.address)).find(Boolean);
      if (problem !== undefined || addresses.length === 0) {
        const denied = new OutboundRequestError('denied', `outbound request refused: ${problem ?? 'no address'}`);
        callback(denied, '', 0);
        return;
      }
      if ((options as { all?: boolean }).all) {
        (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, addresses);
      } else {
        const [first] = addresses as [LookupAddress];
        callback(null, first.address, first.family);
      }
    });
  };
}

function safeTarget(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Sends one request under the policy and reads its bounded response. */
export function outboundRequest(
  uri: string,
  request: OutboundRequest,
  policy: OutboundPolicy,
): Promise<OutboundResponse> {
  const url = URL.parse(uri);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return Promise.reject(new OutboundRequestError('denied', 'outbound request refused: not an http(s) URL'));
  }
  const refused = policy.hostProblem(url.hostname);
  if (refused !== undefined) {
    return Promise.reject(new OutboundRequestError('denied', `outbound request refused: ${refused}`));
  }
  const options: RequestOptions = {
    method: request.method,
    headers: {
      ...request.headers,
      ...(request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) }),
    },
    lookup: checkedLookup(policy),
    // One connection per request: a pooled socket could outlive the check of the address it was opened to.
    agent: false,
  };
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      outgoing.destroy();
      reject(error instanceof OutboundRequestError ? error : new OutboundRequestError('failed', failure(error, url)));
    };
    const onAbort = (): void => {
      fail(new OutboundRequestError('timeout', `no response from ${safeTarget(url)} in time`));
    };
    const timer = setTimeout(() => {
      fail(
        new OutboundRequestError(
          'timeout',
          `no response from ${safeTarget(url)} within ${String(request.timeoutMs)} ms`,
        ),
      );
    }, request.timeoutMs);
    const send = url.protocol === 'https:' ? httpsRequest : nodeHttp.request;
    const outgoing = send(url, options, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBytes) {
          fail(
            new OutboundRequestError(
              'too_large',
              `response from ${safeTarget(url)} exceeds ${String(request.maxBytes)} bytes`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (typeof value === 'string') headers[name] = value;
          else if (Array.isArray(value)) headers[name] = value.join(', ');
        }
        resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
    });
    outgoing.on('error', fail);
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.end(request.body);
  });
}

function failure(error: Error, url: URL): string {
  const code = (error as NodeJS.ErrnoException).code;
  return `request to ${safeTarget(url)} failed${code ? ` (${code})` : ''}`;
}
