/**
 * A counting loopback proxy in front of a real `redis-server`: it forwards bytes unchanged both ways and parses the
 * RESP protocol on the way through, so a test can say how many commands Redis received for one operation and how many
 * round trips the client waited for. Nothing in the provider is instrumented: what is counted is what crossed the wire.
 *
 * A **round trip** is one stretch of time in which the client has commands outstanding. A command sent while the
 * connection is idle opens one; commands sent before every reply has arrived (a pipeline, MULTI…EXEC, commands issued
 * concurrently) belong to the same one; it closes when the last outstanding reply arrives. So `GET a` then, after its
 * reply, `GET b` is two round trips, while `MGET a b`, a pipeline of two GETs, or two GETs sent at once are one. With
 * several connections (a Cluster client, the login throttle's client) each connection counts its own round trips.
 *
 * ```ts
 * const counter = await startRedisCounter(redis.port);   // point the client at redis://127.0.0.1:${counter.port}
 * const { commands, roundTrips } = await counter.measure(() => doSomething());
 * ```
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** What one measured stretch of traffic contained. */
export interface RedisTraffic {
  /** Commands in the order Redis received them, upper-case name first (`EVALSHA <sha> …` keeps its arguments). */
  readonly commands: readonly string[][];
  /** Round trips summed over connections (see the module comment). */
  readonly roundTrips: number;
}

/** A running counting proxy. */
export interface RedisCounter {
  /** Port on 127.0.0.1 that forwards to the Redis server. */
  readonly port: number;
  /**
   * Runs `operation`, waits until every connection is idle again (no reply outstanding), and answers the traffic that
   * happened in between. Traffic of other callers at the same time would be counted too: measure one thing at a time.
   */
  measure(operation: () => Promise<unknown>): Promise<RedisTraffic>;
  /** Resolves once no connection has a reply outstanding and nothing arrived for `quietMs`. */
  settle(quietMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Parses RESP2 values from a byte stream, answering how many complete top-level values each chunk completed. */
class RespReader {
  #buffer: Buffer = Buffer.alloc(0);

  /** Appends a chunk and returns the complete values it completed (arrays of bulk strings become string arrays). */
  push(chunk: Buffer): unknown[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const values: unknown[] = [];
    for (;;) {
      const parsed = parseValue(this.#buffer, 0);
      if (parsed === undefined) break;
      values.push(parsed.value);
      this.#buffer = this.#buffer.subarray(parsed.end);
    }
    return values;
  }
}

/** One RESP value at `start`, or undefined when the buffer does not hold all of it yet. */
function parseValue(buffer: Buffer, start: number): { value: unknown; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[start] ?? 0);
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
      return { value: type === ':' ? Number(line) : line, end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: unknown[] = [];
      let position = next;
      for (let i = 0; i < count; i += 1) {
        const item = parseValue(buffer, position);
        if (item === undefined) return undefined;
        items.push(item.value);
        position = item.end;
      }
      return { value: items, end: position };
    }
    default: {
      // An inline command (`PING\r\n`): words separated by spaces. ioredis never sends these; redis-cli may.
      return { value: buffer.toString('utf8', start, lineEnd).split(' '), end: next };
    }
  }
}

/** Starts a counting proxy to `127.0.0.1:targetPort` on a free loopback port. */
export async function startRedisCounter(targetPort: number, targetHost = '127.0.0.1'): Promise<RedisCounter> {
  const sockets = new Set<Socket>();
  let commands: string[][] = [];
  let roundTrips = 0;
  let recording = false;
  let outstandingTotal = 0;
  let lastActivity = Date.now();
  const idleWaiters = new Set<() => void>();
  const touch = (): void => {
    lastActivity = Date.now();
  };
  const server: Server = createServer((inbound) => {
    const outbound = createConnection({ host: targetHost, port: targetPort });
    const requests = new RespReader();
    const replies = new RespReader();
    let outstanding = 0;
    // Replies owed to a connection that is gone are never coming: forget them so `settle` does not wait forever.
    const forget = (): void => {
      outstandingTotal -= outstanding;
      outstanding = 0;
    };
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        forget();
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.on('data', (chunk: Buffer) => {
      touch();
      const sent = requests.push(chunk);
      for (const command of sent) {
        const words = (Array.isArray(command) ? command : [command]).map(String);
        words[0] = (words[0] ?? '').toUpperCase();
        if (recording) commands.push(words);
        if (outstanding === 0 && recording) roundTrips += 1;
        outstanding += 1;
        outstandingTotal += 1;
      }
      outbound.write(chunk);
    });
    outbound.on('data', (chunk: Buffer) => {
      touch();
      const count = replies.push(chunk).length;
      outstanding -= count;
      outstandingTotal -= count;
      inbound.write(chunk);
      if (outstandingTotal <= 0) for (const wake of idleWaiters) wake();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('counter has no port');

  const settle = async (quietMs = 50): Promise<void> => {
    for (;;) {
      if (outstandingTotal <= 0 && Date.now() - lastActivity >= quietMs) return;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          idleWaiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, quietMs);
        idleWaiters.add(wake);
      });
    }
  };

  return {
    port: address.port,
    settle,
    async measure(operation) {
      await settle();
      commands = [];
      roundTrips = 0;
      recording = true;
      try {
        await operation();
        await settle();
      } finally {
        recording = false;
      }
      return { commands: [...commands], roundTrips };
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
