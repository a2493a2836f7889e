/**
 * The per-command deadline that replaces ioredis' `commandTimeout`, which rejected commands whose reply had already
 * arrived. ioredis arms a plain timer per command; when the event loop is blocked or the process descheduled for longer
 * than the timeout while Redis answers, the reply waits in the socket buffer, and libuv runs the timers phase of the
 * next loop turn *before* the poll phase that would read it: the command was rejected ("Command timed out", a 503 to
 * the client) with its answer there. Here the timer does not reject: it defers the rejection by `setImmediate`, which
 * runs in the check phase, after that poll phase. A reply that is in the socket by then is read and settles the command
 * first, however late the loop got to it; a Redis that really does not answer still fails the command within the
 * timeout plus one loop turn.
 *
 * The clients of `connect.ts` arm it on every command as it is written, so every user of the client (storage, login
 * throttle, event stream, pipelines and scripts) has it. A timed-out command is rejected, never re-sent.
 */
import type { Command } from 'ioredis';

/** What a command rejects with when Redis did not answer in time (the message ioredis used; `errors.ts` maps it). */
export const COMMAND_TIMED_OUT = 'Command timed out';

/**
 * Calls `expire` once `ms` have passed and the socket reads that were due by then have been processed, unless the
 * returned `cancel` ran first (from a reply read in that very loop turn, for instance).
 */
export function afterPendingReads(ms: number, expire: () => void): () => void {
  let cancelled = false;
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    immediate = setImmediate(() => {
      if (!cancelled) expire();
    });
  }, ms);
  return () => {
    cancelled = true;
    clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
  };
}

/**
 * Rejects `command` with {@link COMMAND_TIMED_OUT} unless it settles within `ms` of being written to `socket` (see the
 * module comment for what "within" means). Arming twice is harmless: the first deadline wins, later ones only watch.
 */
export function armCommandDeadline(command: Command, ms: number, socket?: { writableCorked?: number }): void {
  if (armed.has(command)) return;
  armed.add(command);
  let cancel: (() => void) | undefined;
  let settled = false;
  const arm = (): void => {
    if (settled) return;
    cancel = afterPendingReads(ms, () => {
      command.reject(new Error(COMMAND_TIMED_OUT));
    });
  };
  // A corked socket (`coalesce-writes.ts`) sends the command's bytes in this turn's check phase, from an immediate
  // queued before this one: the deadline counts from that write, so a long loop turn cannot use it up before Redis
  // even has the command.
  if ((socket?.writableCorked ?? 0) > 0) setImmediate(arm);
  else arm();
  // Both settle paths cancel; the handlers themselves never throw, so this adds no unhandled rejection.
  const done = (): void => {
    settled = true;
    cancel?.();
  };
  command.promise.then(done, done);
}

/**
 * `promise`, or a rejection with {@link COMMAND_TIMED_OUT} if it has not settled within `ms` (same deferral), for
 * commands that bypass the clients of `connect.ts`: those sent to one node of a Cluster directly.
 */
export function withinDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = afterPendingReads(ms, () => {
      reject(new Error(COMMAND_TIMED_OUT));
    });
    promise.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Commands that already carry a deadline (a command can pass through `sendCommand` more than once). */
const armed = new WeakSet<Command>();
