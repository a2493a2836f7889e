/** The operator's source of time, injected so tests can move it (same shape as the provider's clock). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };
