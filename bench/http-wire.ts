/**
 * HTTP/1.1 on the wire for the load driver: a request serialised once into the bytes sent, and a minimal response
 * parser (status line, `Content-Length`, `Transfer-Encoding: chunked`, or a body up to the connection's end). It is
 * made for one request in flight per connection: the bytes of one answer are never shared with the next request's.
 * Malformed input throws `WireError`; the driver counts it as an error and drops the connection. The bytes pushed
 * may be reused by the caller once `push` returns (a connection's one read buffer): what the parser keeps, it copies,
 * and an answer's body is valid only during the `onResponse` call.
 */

export class WireError extends Error {
  override name = 'WireError';
}

/** A complete answer: its status, body bytes and whether the server closes the connection after it. */
export interface WireResponse {
  status: number;
  body: Buffer;
  close: boolean;
}

const unsafe = /[\r\n]/;

/**
 * The request line and headers, without `content-length` and the blank line (they depend on the body). Throws on a
 * CR or LF in any part, which would split the request.
 */
export function requestHead(method: string, path: string, host: string, headers: Record<string, string>): string {
  const parts = [method, path, host, ...Object.keys(headers), ...Object.values(headers)];
  if (parts.some((part) => unsafe.test(part))) throw new WireError('a request line or header holds CR or LF');
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return head;
}

/** The whole request as bytes: `head` from `requestHead`, then the length of `body` (when there is one) and it. */
export function serialiseRequest(head: string, body?: string): Buffer {
  if (body === undefined) return Buffer.from(`${head}\r\n`, 'latin1');
  return Buffer.from(`${head}content-length: ${String(Buffer.byteLength(body))}\r\n\r\n${body}`);
}

const statusLine = /^HTTP\/1\.[01] (\d{3})(?: |$)/;
const contentLength = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?=\r\n|$)/i;
const chunkedEncoding = /\r\ntransfer-encoding:[^\r]*\bchunked\b/i;
const connectionClose = /\r\nconnection:[^\r]*\bclose\b/i;
const maxHead = 64 * 1024;

type State = 'head' | 'fixed' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close';

/** Feeds on a connection's bytes and calls `onResponse` for each complete answer. */
export class ResponseParser {
  private state: State = 'head';
  private rest: Buffer | undefined;
  private status = 0;
  private close = false;
  private left = 0;
  private body: Buffer[] = [];
  /** How many of `body`'s parts are copies (the rest still point into the bytes being pushed). */
  private copied = 0;
  private readonly onResponse: (response: WireResponse) => void;

  constructor(onResponse: (response: WireResponse) => void) {
    this.onResponse = onResponse;
  }

  /** Whether no answer is partly read. */
  get idle(): boolean {
    return this.state === 'head' && this.rest === undefined;
  }

  push(chunk: Buffer): void {
    const data = this.rest === undefined ? chunk : Buffer.concat([this.rest, chunk]);
    this.rest = undefined;
    let at = 0;
    while (at < data.length) {
      const next = this.step(data, at);
      if (next === undefined) {
        this.rest = Buffer.from(data.subarray(at));
        if (this.state === 'head' && this.rest.length > maxHead) throw new WireError('response head over 64 KiB');
        break;
      }
      at = next;
    }
    for (; this.copied < this.body.length; this.copied += 1) {
      this.body[this.copied] = Buffer.from(this.body[this.copied]);
    }
  }

  /** The connection ended: completes a body read up to the end; throws when an answer was cut short. */
  end(): void {
    if (this.state === 'until-close') {
      this.close = true;
      this.complete();
      return;
    }
    if (!this.idle) throw new WireError('connection closed in the middle of an answer');
  }

  /** Consumes what it can from `at`; the new offset, or undefined when more bytes are needed. */
  private step(data: Buffer, at: number): number | undefined {
    switch (this.state) {
      case 'head':
        return this.readHead(data, at);
      case 'fixed':
      case 'chunk-data':
        return this.readBody(data, at);
      case 'chunk-size':
        return this.readChunkSize(data, at);
      case 'chunk-end': {
        if (data.length - at < 2) return undefined;
        if (data[at] !== 13 || data[at + 1] !== 10) throw new WireError('chunk not followed by CRLF');
        this.state = 'chunk-size';
        return at + 2;
      }
      case 'trailers': {
        const eol = data.indexOf('\r\n', at, 'latin1');
        if (eol === -1) return undefined;
        if (eol === at) this.complete();
        return eol + 2;
      }
      case 'until-close':
        this.body.push(data.subarray(at));
        return data.length;
    }
  }

  private readHead(data: Buffer, at: number): number | undefined {
    const end = data.indexOf('\r\n\r\n', at, 'latin1');
    if (end === -1) return undefined;
    const head = data.toString('latin1', at, end);
    const status = statusLine.exec(head);
    if (!status) throw new WireError(`not an HTTP/1.x status line: ${JSON.stringify(head.slice(0, 40))}`);
    this.status = Number(status[1]);
    this.close = connectionClose.test(head);
    if (this.status < 200) return end + 4; // an interim answer (1xx): the real one follows
    const length = contentLength.exec(head);
    if (this.status === 204 || this.status === 304) {
      this.complete();
    } else if (chunkedEncoding.test(head)) {
      this.state = 'chunk-size';
    } else if (length) {
      this.left = Number(length[1]);
      this.state = 'fixed';
      if (this.left === 0) this.complete();
    } else {
      this.state = 'until-close';
    }
    return end + 4;
  }

  private readBody(data: Buffer, at: number): number {
    const take = Math.min(this.left, data.length - at);
    this.body.push(data.subarray(at, at + take));
    this.left -= take;
    if (this.left === 0) {
      if (this.state === 'fixed') this.complete();
      else this.state = 'chunk-end';
    }
    return at + take;
  }

  private readChunkSize(data: Buffer, at: number): number | undefined {
    const eol = data.indexOf('\r\n', at, 'latin1');
    if (eol === -1) {
      if (data.length - at > 1024) throw new WireError('chunk size line over 1 KiB');
      return undefined;
    }
    const hex = (data.toString('latin1', at, eol).split(';')[0] ?? '').trim();
    if (!/^[0-9a-f]+$/i.test(hex)) throw new WireError(`bad chunk size ${JSON.stringify(hex.slice(0, 20))}`);
    this.left = parseInt(hex, 16);
    this.state = this.left === 0 ? 'trailers' : 'chunk-data';
    return eol + 2;
  }

  private complete(): void {
    const body = this.body.length === 1 ? this.body[0] : Buffer.concat(this.body);
    const response = { status: this.status, body, close: this.close };
    this.body = [];
    this.copied = 0;
    this.state = 'head';
    this.onResponse(response);
  }
}
