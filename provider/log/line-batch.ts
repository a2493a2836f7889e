import type { DestinationStream } from 'pino';

/** What the batch hands its lines to: pino's asynchronous destination (sonic-boom). */
export interface BatchTarget {
  write(data: string): boolean;
  flush(callback: (error?: Error) => void): void;
  flushSync(): void;
}

/**
 * Gathers log lines in one string and hands them to `target` in one `write` once `minLength` characters wait, or
 * every `intervalMs` — the batching `createLogger` promised of sonic-boom's own `minLength`, done in front of it.
 *
 * Why not sonic-boom's `minLength`: its `write` measures the string it appends to (`Buffer.byteLength` of the whole
 * buffer gathered so far) on every line, which flattens that growing string each time, and its asynchronous
 * `fs.write` of that flattened string cost the main thread far more than the write itself — together ≈ 2–3 µs of
 * CPU per line, the largest part of an access-log line (docs/performance.md, "Per-request observation"). Here a line
 * is one string append; sonic-boom, with `minLength` 0, sees one write per batch and keeps doing what it does well:
 * the asynchronous write on the thread pool, partial writes, `EAGAIN` retries, broken pipes, `flushSync`.
 *
 * Nothing is held back for good: the interval hands a quiet provider's last lines on; when the process ends by itself
 * (`beforeExit`) they are handed on before pino flushes and ends sonic-boom, and on `process.exit` they are handed on
 * and written synchronously (`flushSync`, as pino does for sonic-boom on exit).
 */
export class LineBatch implements DestinationStream {
  private pending = '';
  private readonly target: BatchTarget;
  private readonly minLength: number;

  constructor(target: BatchTarget, options: { minLength: number; intervalMs: number }) {
    this.target = target;
    this.minLength = options.minLength;
    // Through a WeakRef, so that neither the timer nor the exit hook keeps a logger that is no longer used alive.
    const self = new WeakRef(this);
    const timer = setInterval(() => {
      const batch = self.deref();
      if (batch === undefined) clearInterval(timer);
      else batch.handOn();
    }, options.intervalMs);
    timer.unref();
    flushedOnExit.add(self);
  }

  write(line: string): boolean {
    this.pending += line;
    if (this.pending.length >= this.minLength) this.handOn();
    return true;
  }

  /** pino's `logger.flush(cb)`: everything gathered is written, then `callback`. */
  flush(callback: (error?: Error) => void): void {
    this.handOn();
    this.target.flush(callback);
  }

  /** pino calls it for `fatal` lines; the exit hook below too. */
  flushSync(): void {
    this.handOn();
    this.target.flushSync();
  }

  /** Hands what is gathered to the target (which writes it asynchronously). */
  handOn(): void {
    if (this.pending === '') return;
    const batch = this.pending;
    this.pending = '';
    this.target.write(batch);
  }
}

const flushedOnExit = new Set<WeakRef<LineBatch>>();
// Registered when this module loads, before pino registers its own exit handlers for sonic-boom, so these run first.
// A process that ends by itself: the lines are handed on before pino's `beforeExit` flush ends the destination.
process.on('beforeExit', () => {
  for (const ref of flushedOnExit) ref.deref()?.handOn();
});
process.once('exit', () => {
  for (const ref of flushedOnExit) ref.deref()?.flushSync();
});
