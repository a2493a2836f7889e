/**
 * Closed-loop load of whole flows: `runners` concurrent end-users, each starting its next flow when the last one
 * ended, for `seconds` or until `amount` flows ran. The rate is completed flows per second; latency is per flow (or
 * what the task reports, e.g. the login POST alone). A failed flow counts as an error, never as throughput.
 */
import type { LoadLength, LoadResult } from './load.ts';

/** What one flow reports: its latency in ms (default: the whole flow's). */
export type FlowTask = (runner: number) => Promise<number | undefined>;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export async function runFlows(task: FlowTask, { runners, ...length }: { runners: number } & LoadLength) {
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  let firstError: string | undefined;
  const begin = performance.now();
  const deadline = 'seconds' in length ? begin + length.seconds * 1000 : Infinity;
  const more = (): boolean => ('amount' in length ? started < length.amount : performance.now() < deadline);
  await Promise.all(
    Array.from({ length: runners }, async (_, runner) => {
      while (more()) {
        started += 1;
        const flowStart = performance.now();
        try {
          const reported = await task(runner);
          latencies.push(reported ?? performance.now() - flowStart);
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  const result: LoadResult = {
    rate: latencies.length / seconds,
    p50: Math.round(percentile(latencies, 50) * 10) / 10,
    p99: Math.round(percentile(latencies, 99) * 10) / 10,
    accepted: latencies.length,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    seconds,
  };
  return result;
}
