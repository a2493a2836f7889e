import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { after, describe, it } from 'node:test';
import { ok2xx, type LoadRequest } from '../../bench/load.ts';
import { runNetLoad } from '../../bench/net-load.ts';

/**
 * The bench's load driver against real local servers: every request sent is counted once, as accepted or as an
 * error; non-2xx answers, dropped connections, malformed answers and refused connections are errors with a message;
 * chunked answers, per-request bodies and `Connection: close` work. Nothing here is timed.
 */
const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

/** An HTTP server calling `handle` with the request's body and the number of requests so far. */
async function httpServer(
  handle: (req: IncomingMessage, res: ServerResponse, body: string, count: number) => void,
): Promise<{ url: string; count: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    const seen = count;
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      handle(req, res, Buffer.concat(parts).toString(), seen);
    });
  });
  return { url: await listen(server), count: () => count };
}

const get: LoadRequest = { method: 'GET', path: '/', accept: ok2xx() };

describe('bench load driver (node:net)', () => {
  it('sends exactly `amount` requests and counts every non-2xx answer as an error', async () => {
    const server = await httpServer((_req, res, _body, count) => {
      res.writeHead(count % 3 === 0 ? 503 : 200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const result = await runNetLoad(server.url, get, { connections: 4, amount: 300 });
    assert.equal(server.count(), 300);
    assert.equal(result.accepted, 200);
    assert.equal(result.errors, 100);
    assert.match(result.firstError ?? '', /^503 \{"ok":true\}/);
    assert.ok(result.p99 >= result.p50 && result.p50 > 0);
  });

  it('judges each answer by its body, also when the same bytes came before', async () => {
    const server = await httpServer((_req, res, _body, count) => {
      res.end(count % 2 === 0 ? '{"active":true}' : '{"active":false}');
    });
    const accept = ok2xx((text) => text === '{"active":true}');
    const result = await runNetLoad(server.url, { ...get, accept }, { connections: 3, amount: 100 });
    assert.deepEqual([result.accepted, result.errors], [50, 50]);
    assert.match(result.firstError ?? '', /^200 \{"active":false\}/);
  });

  it('sends the body `next` gives each request and hands each accepted answer to onAnswer', async () => {
    const server = await httpServer((req, res, body) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.headers['content-type'] ?? ''}|${body}`);
    });
    let sent = 0;
    const answers: string[] = [];
    const result = await runNetLoad(
      server.url,
      {
        method: 'POST',
        path: '/echo',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        next: () => (sent < 120 ? `n=${String(sent++)}&é=ü` : undefined), // runs out: the run ends there
        accept: ok2xx((text) => text.startsWith('application/x-www-form-urlencoded|n=')),
        onAnswer: (text) => answers.push(text.split('|')[1] ?? ''),
      },
      { connections: 5, seconds: 60 },
    );
    assert.deepEqual([result.accepted, result.errors], [120, 0]);
    assert.deepEqual(answers.sort(), Array.from({ length: 120 }, (_, i) => `n=${String(i)}&é=ü`).sort());
  });

  it('reads chunked answers and follows Connection: close with a new connection', async () => {
    const server = await httpServer((_req, res, _body, count) => {
      if (count % 4 === 0) res.setHeader('connection', 'close');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":');
      res.write('[1,2,3]');
      res.end('}'); // no content-length: chunked
    });
    const accept = ok2xx((text) => text === '{"keys":[1,2,3]}');
    const result = await runNetLoad(server.url, { ...get, accept }, { connections: 2, amount: 200 });
    assert.deepEqual([result.accepted, result.errors, server.count()], [200, 0, 200]);
  });

  it('counts a dropped connection and a malformed answer as errors with their cause, then goes on', async () => {
    const dropping = await httpServer((req, res, _body, count) => {
      if (count % 10 === 0) req.socket.destroy();
      else res.end('ok');
    });
    const dropped = await runNetLoad(dropping.url, get, { connections: 2, amount: 100 });
    assert.deepEqual([dropped.accepted, dropped.errors], [90, 10]);
    assert.match(dropped.firstError ?? '', /closed|ECONNRESET|socket hang up/);

    const garbage = createNetServer((socket) => {
      socket.on('data', () => socket.write('SSH-2.0-nope\r\n\r\n'));
      socket.on('error', () => undefined);
    });
    const malformed = await runNetLoad(await listen(garbage), get, { connections: 2, amount: 10 });
    assert.deepEqual([malformed.accepted, malformed.errors], [0, 10]);
    assert.match(malformed.firstError ?? '', /not an HTTP\/1.x status line/);
  });

  it('reports refused connections as errors and still ends', async () => {
    const closed = createNetServer();
    const url = await listen(closed);
    closed.close();
    servers.pop();
    const result = await runNetLoad(url, get, { connections: 3, amount: 6 });
    assert.deepEqual([result.accepted, result.errors], [0, 6]);
    assert.match(result.firstError ?? '', /ECONNREFUSED/);
  });

  it('a timed run against a server that never answers is an error, not a rate of 0 with no errors', async () => {
    const silent = createNetServer((socket) => {
      socket.on('error', () => undefined);
    });
    const result = await runNetLoad(await listen(silent), get, { connections: 2, seconds: 1 });
    assert.deepEqual([result.accepted, result.errors], [0, 1]);
    assert.match(result.firstError ?? '', /^no answer in \d/);
  });

  it('a timed run ends by itself and counts only answers', async () => {
    const server = await httpServer((_req, res) => res.end('ok'));
    const result = await runNetLoad(server.url, get, { connections: 4, seconds: 1 });
    assert.equal(result.errors, 0);
    assert.ok(result.accepted > 0);
    assert.ok(result.accepted <= server.count());
  });
});
