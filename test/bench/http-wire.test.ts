import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestHead, ResponseParser, serialiseRequest, WireError, type WireResponse } from '../../bench/http-wire.ts';

/** Feeds `bytes` in pieces of `size` bytes (1: byte by byte) and returns the answers parsed. */
function parse(bytes: string, size = bytes.length, end = false): WireResponse[] {
  const answers: WireResponse[] = [];
  // A body is valid only during the call: keep a copy, as a caller keeping it would.
  const parser = new ResponseParser((answer) => answers.push({ ...answer, body: Buffer.from(answer.body) }));
  const data = Buffer.from(bytes, 'latin1');
  // Every piece goes through one buffer, overwritten after each push (as the driver's read buffer is).
  const reused = Buffer.alloc(size);
  for (let at = 0; at < data.length; at += size) {
    const piece = data.subarray(at, at + size);
    piece.copy(reused);
    parser.push(reused.subarray(0, piece.length));
    reused.fill(0x21);
  }
  if (end) parser.end();
  return answers;
}

const text = (answers: WireResponse[]): [number, string, boolean][] =>
  answers.map((answer) => [answer.status, answer.body.toString('latin1'), answer.close]);

describe('load driver: HTTP/1.1 request bytes', () => {
  it('serialises the request line, host, headers, and the body with its length in bytes', () => {
    const head = requestHead('POST', '/token', '127.0.0.1:8080', { 'content-type': 'text/plain' });
    assert.equal(
      serialiseRequest(head, 'é=1').toString(),
      'POST /token HTTP/1.1\r\nhost: 127.0.0.1:8080\r\ncontent-type: text/plain\r\ncontent-length: 4\r\n\r\né=1',
    );
    assert.equal(
      serialiseRequest(requestHead('GET', '/jwks', 'h:1', {})).toString(),
      'GET /jwks HTTP/1.1\r\nhost: h:1\r\n\r\n',
    );
  });

  it('refuses CR or LF in any part of the request head', () => {
    assert.throws(() => requestHead('GET', '/a\r\nx: y', 'h:1', {}), WireError);
    assert.throws(() => requestHead('GET', '/', 'h:1', { a: 'b\nc' }), WireError);
  });
});

describe('load driver: response parser', () => {
  const fixed = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}';
  const chunked =
    'HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n4;ext=1\r\n{"ok\r\nA\r\n":"chunked\r\n2\r\n"}\r\n0\r\nx-trailer: 1\r\n\r\n';

  it('reads a Content-Length answer whole or split at any byte', () => {
    for (const size of [fixed.length, 1, 2, 7, 60]) {
      assert.deepEqual(text(parse(fixed, size)), [[200, '{"ok":true}', false]], `pieces of ${String(size)}`);
    }
  });

  it('reads a chunked answer (extensions, trailers) whole or split at any byte', () => {
    for (const size of [chunked.length, 1, 3, 13]) {
      assert.deepEqual(text(parse(chunked, size)), [[201, '{"ok":"chunked"}', false]], `pieces of ${String(size)}`);
    }
  });

  it('reads answers one after another on the same connection', () => {
    const answers = parse(
      `${fixed}${chunked}HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nConnection: close\r\n\r\n`,
      5,
    );
    assert.deepEqual(text(answers), [
      [200, '{"ok":true}', false],
      [201, '{"ok":"chunked"}', false],
      [400, '', true],
    ]);
  });

  it('knows answers without a body, skips interim ones, and reads a body up to the end of the connection', () => {
    assert.deepEqual(text(parse('HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\n')), [[204, '', false]]);
    assert.deepEqual(text(parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n')), [[304, '', false]]);
    assert.deepEqual(text(parse('HTTP/1.0 200 OK\r\n\r\nall of it', 4, true)), [[200, 'all of it', true]]);
  });

  it('throws on what is not HTTP/1.x, a bad chunk size, and an answer cut short', () => {
    assert.throws(() => parse('SSH-2.0-OpenSSH\r\n\r\n'), /not an HTTP\/1.x status line/);
    assert.throws(() => parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'), /bad chunk size/);
    assert.throws(() => parse(fixed.slice(0, -3), 4, true), /closed in the middle of an answer/);
    assert.throws(() => parse(`HTTP/1.1 200 OK\r\n${'x: y\r\n'.repeat(20_000)}`), /over 64 KiB/);
  });
});
