/**
 * Waiting for something that may never happen (caches that cannot sync during an outage) without waiting forever:
 * the wait ends when the promise settles, the signal aborts (leadership lost) or the timeout passes.
 */

/** How a {@link settleWithin} wait ended. */
export type SettleOutcome = 'settled' | 'aborted' | 'timeout';

/** Waits for `promise` (rethrowing its rejection), at most until `signal` aborts or `timeoutMs` passes. */
export function settleWithin(
  promise: Promise<unknown>,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<SettleOutcome> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise<SettleOutcome>((resolve, reject) => {
    const finish = (outcome: SettleOutcome): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => {
      finish('aborted');
    };
    const timer = setTimeout(() => {
      finish('timeout');
    }, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        finish('settled');
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
