/**
 * The timing of Lease leader election and its one rule, `leaseDuration > renewDeadline > retryPeriod > 0` (as
 * client-go's): the gap between lease duration and renew deadline is the margin in which a leader that can no longer
 * renew has already stopped while no other candidate may take over yet (docs/operator.md, "Leader election").
 */

/** Timing of the election (defaults 15 s / 10 s / 2 s, as client-go's). */
export interface LeaseTiming {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** The defaults of controller-runtime and client-go. */
export const DEFAULT_LEASE_TIMING: LeaseTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** Names of the timing options in error messages (the library's by default; `main.ts` passes its variables). */
export type LeaseTimingNames = Readonly<Record<keyof LeaseTiming, string>>;

const TIMING_NAMES: LeaseTimingNames = {
  leaseDurationMs: 'leaseDurationMs',
  renewDeadlineMs: 'renewDeadlineMs',
  retryPeriodMs: 'retryPeriodMs',
};

/**
 * Checks `leaseDuration > renewDeadline > retryPeriod > 0`, as client-go does: a renew deadline as long as the lease
 * would let a leader that cannot renew keep acting after another candidate took over, and a retry period as long as
 * the renew deadline would leave no second attempt. Throws an error naming the options.
 */
export function validateLeaseTiming(timing: LeaseTiming, names: LeaseTimingNames = TIMING_NAMES): void {
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = timing;
  const problems: string[] = [];
  for (const key of ['leaseDurationMs', 'renewDeadlineMs', 'retryPeriodMs'] as const) {
    if (!Number.isFinite(timing[key]) || timing[key] <= 0) problems.push(`${names[key]} must be positive`);
  }
  if (!(leaseDurationMs > renewDeadlineMs)) {
    problems.push(
      `${names.leaseDurationMs} (${leaseDurationMs} ms) must be greater than ${names.renewDeadlineMs} (${renewDeadlineMs} ms)`,
    );
  }
  if (!(renewDeadlineMs > retryPeriodMs)) {
    problems.push(
      `${names.renewDeadlineMs} (${renewDeadlineMs} ms) must be greater than ${names.retryPeriodMs} (${retryPeriodMs} ms)`,
    );
  }
  if (problems.length > 0) throw new Error(`invalid leader election timing: ${problems.join('; ')}`);
}
