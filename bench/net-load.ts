/**
 * The load driver of the single-request scenarios: `connections` keep-alive `node:net` connections, each with one
 * request in flight (no pipelining), each request's bytes serialised once (per request only when the scenario varies
 * the body). Lighter than autocannon per request, so that at 15–20 k req/s the load core is not what is measured.
 *
 * Same accounting as autocannon: latency from writing a request to its answer's last byte (the first request of a
 * connection includes the connect), of every answer whatever its status; a request that gets no answer within 10 s,
 * a connection error and a malformed answer count as errors, and the connection is opened again. A timed run stops
 * at its deadline (answers still in flight are not counted); an `amount` run sends exactly that many requests.
 */
import { connect, type Socket } from 'node:net';
import { requestHead, ResponseParser, serialiseRequest, type WireResponse } from './http-wire.ts';
import type { LoadLength, LoadRequest, LoadResult } from './load.ts';
import { Latencies } from './latencies.ts';

const requestTimeoutMs = 10_000;
const readBufferBytes = 64 * 1024;
/** Pause before opening a connection again after an error, so a refused port is not hammered in a tight loop. */
const retryDelayMs = 10;

/** What all connections of a run share: the request, the counts, the clock. */
class Run {
  accepted = 0;
  rejected = 0;
  failed = 0;
  firstError: string | undefined;
  sent = 0;
  over = false;
  readonly latencies = new Latencies();
  private readonly head: string;
  private readonly fixed: Buffer | undefined;
  /** The last accepted answer: the same status and bytes again are accepted without decoding (`accept` is pure). */
  private acceptedStatus = 0;
  private acceptedBody: Buffer | undefined;
  readonly host: string;
  readonly port: number;
  private readonly request: LoadRequest;
  private readonly amount: number;

  constructor(host: string, port: number, request: LoadRequest, amount: number) {
    this.host = host;
    this.port = port;
    this.request = request;
    this.amount = amount;
    this.head = requestHead(request.method, request.path, `${host}:${String(port)}`, request.headers ?? {});
    this.fixed = request.next ? undefined : serialiseRequest(this.head, request.body);
  }

  /** The bytes of the next request, or undefined when the run sends no more. */
  nextPayload(context: Record<string, unknown>): Buffer | undefined {
    if (this.over || this.sent >= this.amount) return undefined;
    let payload = this.fixed;
    if (payload === undefined) {
      const body = this.request.next?.(context);
      if (body === undefined) return undefined;
      payload = serialiseRequest(this.head, body);
    }
    this.sent += 1;
    return payload;
  }

  answered(response: WireResponse, ms: number, context: Record<string, unknown>): void {
    this.latencies.record(ms);
    const { status, body } = response;
    if (!this.request.onAnswer && status === this.acceptedStatus && this.acceptedBody?.equals(body)) {
      this.accepted += 1;
      return;
    }
    const text = body.toString('utf8');
    if (this.request.accept(status, text)) {
      this.accepted += 1;
      this.acceptedStatus = status;
      this.acceptedBody = Buffer.from(body); // `body` lives in the connection's read buffer
      this.request.onAnswer?.(text, context);
    } else {
      this.rejected += 1;
      this.firstError ??= `${String(status)} ${text.slice(0, 200)}`;
    }
  }

  error(message: string): void {
    this.failed += 1;
    this.firstError ??= message;
  }
}

/** One connection: sends a request, waits for its answer, sends the next; opens itself again after an error. */
class Connection {
  private socket: Socket | undefined;
  private readonly context: Record<string, unknown> = {};
  private inFlight = false;
  private sentAt = 0;
  private lastError: string | undefined;
  private readonly run: Run;
  private readonly retired: () => void;

  constructor(run: Run, retired: () => void) {
    this.run = run;
    this.retired = retired;
  }

  open(): void {
    const payload = this.run.nextPayload(this.context);
    if (payload === undefined) {
      this.retire();
      return;
    }
    const parser = new ResponseParser((response) => {
      this.answer(socket, response);
    });
    // `onread`: each connection reads into its own buffer, with no stream machinery or allocation per answer.
    const socket = connect({
      host: this.run.host,
      port: this.run.port,
      noDelay: true,
      onread: {
        buffer: Buffer.allocUnsafe(readBufferBytes),
        callback: (bytes: number, buffer: Uint8Array) => {
          try {
            parser.push(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
          } catch (error) {
            this.lastError = error instanceof Error ? error.message : String(error);
            socket.destroy();
          }
          return true; // keep reading
        },
      },
    });
    this.socket = socket;
    this.lastError = undefined;
    socket.on('end', () => {
      try {
        parser.end();
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
      }
    });
    socket.on('error', (error) => {
      this.lastError = error.message;
    });
    socket.on('close', () => {
      this.closed(socket);
    });
    this.send(payload); // queued until the connection is up: the first latency includes the connect
  }

  /** Drops the connection when its request has waited longer than the timeout (checked every second). */
  expire(now: number): void {
    if (!this.inFlight || now - this.sentAt < requestTimeoutMs) return;
    this.lastError = `no answer within ${String(requestTimeoutMs / 1000)} s`;
    this.socket?.destroy();
  }

  /** Ends the connection at once (the run's deadline); an answer in flight is not counted. */
  stop(): void {
    this.socket?.destroy();
  }

  private send(payload: Buffer): void {
    this.inFlight = true;
    this.sentAt = performance.now();
    this.socket?.write(payload);
  }

  private answer(socket: Socket, response: WireResponse): void {
    if (socket !== this.socket || !this.inFlight || this.run.over) return;
    this.inFlight = false;
    this.run.answered(response, performance.now() - this.sentAt, this.context);
    if (response.close) {
      socket.destroy(); // `closed` opens the next connection
      return;
    }
    const payload = this.run.nextPayload(this.context);
    if (payload === undefined) this.retire();
    else this.send(payload);
  }

  private closed(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    if (this.run.over) return;
    const failed = this.inFlight;
    if (failed) {
      this.inFlight = false;
      this.run.error(this.lastError ?? 'connection closed before the answer');
    }
    if (failed) {
      setTimeout(() => {
        if (!this.run.over) this.open();
      }, retryDelayMs);
    } else {
      this.open();
    }
  }

  private retire(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    this.retired();
  }
}

/** Runs `request` against `baseUrl` (plain http) on `connections` connections for the given length. */
export async function runNetLoad(
  baseUrl: string,
  request: LoadRequest,
  { connections, ...length }: { connections: number } & LoadLength,
): Promise<LoadResult> {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:') throw new Error(`the load driver speaks plain http, not ${url.protocol}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const run = new Run(host, Number(url.port || 80), request, 'amount' in length ? length.amount : Infinity);
  const started = performance.now();
  const pool: Connection[] = [];
  await new Promise<void>((done) => {
    let working = connections;
    let deadline: NodeJS.Timeout | undefined;
    const sweep = setInterval(() => {
      const now = performance.now();
      for (const connection of pool) connection.expire(now);
    }, 1000);
    const finish = (): void => {
      if (run.over) return;
      run.over = true;
      clearTimeout(deadline);
      clearInterval(sweep);
      for (const connection of pool) connection.stop();
      done();
    };
    const retired = (): void => {
      working -= 1;
      if (working === 0) finish();
    };
    if ('seconds' in length) deadline = setTimeout(finish, length.seconds * 1000);
    for (let i = 0; i < connections; i += 1) pool.push(new Connection(run, retired));
    for (const connection of pool) connection.open();
  });
  const seconds = (performance.now() - started) / 1000;
  // A server that answered nothing at all is broken, not slow: say so (the requests in flight are not counted).
  if (run.accepted + run.rejected + run.failed === 0 && run.sent > 0) run.error(`no answer in ${seconds.toFixed(1)} s`);
  return {
    rate: run.accepted / seconds,
    p50: run.latencies.percentile(50),
    p99: run.latencies.percentile(99),
    accepted: run.accepted,
    errors: run.rejected + run.failed,
    ...(run.firstError === undefined ? {} : { firstError: run.firstError }),
    seconds,
  };
}
