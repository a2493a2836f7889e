import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** An answer as it came on the wire: status, every header in order (`Date` left out: it is the clock's), body. */
export interface WireAnswer {
  status: number;
  headers: string[];
  body: string;
}

/** One request on its own connection to a loopback port; the answer as it came on the wire. */
export function askWire(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<WireAnswer> {
  return new Promise<WireAnswer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const pairs: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i]?.toLowerCase() !== 'date') pairs.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        }
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Listens on a loopback port; `ask` sends one request on its own connection; `close` stops. */
export async function listenOnLoopback(app: Express): Promise<{
  ask: (method: string, path: string, headers?: Record<string, string>) => Promise<WireAnswer>;
  close: () => void;
}> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const ask = (method: string, path: string, headers: Record<string, string> = {}) =>
    askWire(port, method, path, headers);
  return { ask, close: () => server.close() };
}
