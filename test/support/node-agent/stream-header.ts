/**
 * The node agent's forwarding connections (host ↔ a pod's network namespace, over unix sockets) start with one header
 * line naming where the stream goes; the rest is the forwarded bytes.
 */
import type { Socket } from 'node:net';

/** Reads the first line of `socket` (without the newline); bytes after it stay in the socket for the next reader. */
export function readHeader(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf(0x0a);
      if (end === -1) {
        if (buffered.length > 1024) fail(new Error('header line too long'));
        return;
      }
      cleanup();
      socket.pause();
      const rest = buffered.subarray(end + 1);
      if (rest.length > 0) socket.unshift(rest);
      resolve(buffered.subarray(0, end).toString('utf8'));
    };
    const onEnd = (): void => {
      fail(new Error('connection closed before the header line'));
    };
    const fail = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', fail);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', fail);
  });
}

/** Pipes two sockets both ways; an error or close on either side closes both. */
export function splice(a: Socket, b: Socket): void {
  const closeBoth = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on('error', closeBoth);
  b.on('error', closeBoth);
  a.on('close', closeBoth);
  b.on('close', closeBoth);
  a.pipe(b);
  b.pipe(a);
  a.resume();
  b.resume();
}
