/**
 * The flow driver's HTTP/1.1 client: `node:http` on one keep-alive agent (connections reused across flows, as fetch's
 * global pool reused them), no redirects followed, the body read whole. The flow driver shares one core with nothing
 * but itself, and with fetch (undici) it cost about as much CPU per flow as the provider it measures (≈ 4.6 vs 5.2 ms
 * per flow on the loaded machine, `docs/performance.md`): the driver, not the server, set the pace. This client does
 * the same requests for a fraction of that. Plain http only: the bench's servers listen on loopback.
 */
import { Agent, request } from 'node:http';

/** What a request answered. */
export interface Answer {
  status: number;
  /** The `Location` header, if any. */
  location: string | undefined;
  /** Every `Set-Cookie` header. */
  setCookies: string[];
  text: string;
}

/** Keep-alive, no limit on connections per server (each concurrent user holds one while its request runs). */
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

type Init = { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string };

/**
 * One request; rejects on a connection error. A request sent on a kept-alive connection that the server closed while it
 * sat idle in the agent (its keep-alive timeout: 5 s on both servers, e.g. while the other server's round ran) fails
 * with ECONNRESET before the server read it; that one is sent again (up to three tries), as node's documentation
 * advises (`request.reusedSocket`). Any other failure, and a reset on a new connection, rejects.
 */
export async function send(url: URL, init: Init): Promise<Answer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sendOnce(url, init);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
      // The next free connection may be just as stale; a few tries, then the reset itself.
      if (attempt === 3) throw error.cause;
    }
  }
}

/** A reset on a reused keep-alive connection (the server had closed it). */
class StaleConnection extends Error {}

function sendOnce(url: URL, init: Init): Promise<Answer> {
  if (url.protocol !== 'http:') throw new Error(`the bench client speaks plain http only, not ${url.href}`);
  const headers = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: init.method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const cookies = response.headers['set-cookie'];
        resolve({
          status: response.statusCode ?? 0,
          location: response.headers.location,
          setCookies: cookies ?? [],
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const stale = outgoing.reusedSocket && error.code === 'ECONNRESET';
      reject(stale ? new StaleConnection('reset on a reused connection', { cause: error }) : error);
    });
    outgoing.end(init.body);
  });
}
