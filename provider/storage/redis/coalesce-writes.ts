/**
 * One socket write per event-loop turn instead of one per command. ioredis writes every command to its socket at
 * once, so under load each request's commands cost a `write(2)` of their own — on a loopback socket the largest single
 * cost of a token request (docs/performance.md). Here the first command of a loop turn corks the connection's socket
 * and a `setImmediate` uncorks it: the commands that the requests read in that turn's poll phase issue (from their
 * callbacks and microtasks) leave together in one `writev(2)` in the check phase of the same turn, before the loop
 * waits for I/O again.
 *
 * Nothing else changes: each command is handed to ioredis as before (queued for its reply, its deadline armed to count
 * from the write (`deadline.ts`), a
 * command while disconnected rejected at once), only its bytes sit in the socket's buffer until the end of the turn;
 * commands are never held back behind another command's reply (unlike ioredis' `enableAutoPipelining`, which sends a
 * batch only after the previous one was answered, so one stalled reply would delay the next batch past its
 * deadline). A connection lost while corked fails the buffered commands as it fails those in flight.
 *
 * Standalone and Sentinel only: a Cluster spreads commands over one socket per master (each would need its own cork),
 * and keeps its per-command writes.
 */
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';

/** Makes `client` send the commands of one event-loop turn in one socket write. */
export function coalesceWrites(client: Redis): void {
  // The method as ioredis (or a subclass) defines it, called below with the client as `this`.
  const send = client.sendCommand.bind(client);
  let corked: Duplex | undefined;
  const uncork = (): void => {
    const socket = corked;
    corked = undefined;
    socket?.uncork();
  };
  // An own property in front of the prototype's method (and of any subclass override), so every command — methods,
  // scripts, pipelines, the event stream's XADDs, the login throttle's — passes here.
  client.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
    const socket = client.stream as Duplex | undefined;
    // Only on a ready connection: the handshake's commands (AUTH, SELECT, the ready check) go out as ioredis sends them.
    if (corked === undefined && socket !== undefined && client.status === 'ready') {
      socket.cork();
      corked = socket;
      setImmediate(uncork);
    }
    return send(...args);
  };
}
