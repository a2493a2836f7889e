/**
 * The arithmetic of `npm run bench:phases`: the CPU of each phase of the code flow from the CPU of flow prefixes,
 * and the table it prints. Pure.
 */
import { median } from './median.ts';

/**
 * Per phase, the cost of the flow up to it minus the cost up to the phase before (µs per flow, each prefix measured
 * in its own runs). A negative difference (noise between runs where a phase costs little) is kept as measured.
 */
export function phaseCosts(cumulative: readonly number[]): number[] {
  return cumulative.map((cost, index) => cost - (index === 0 ? 0 : (cumulative[index - 1] ?? 0)));
}

/** What one server's runs gave: per phase, the cumulative CPU (server + its redis-server, µs per flow) of each round. */
export interface PhaseRuns {
  readonly name: string;
  /** rounds[r][p]: CPU of the flow up to phase p in round r. */
  readonly rounds: readonly (readonly number[])[];
}

/** Per phase, the median over rounds of the phase's own cost. */
export function medianPhaseCosts(runs: PhaseRuns, phases: number): number[] {
  const perRound = runs.rounds.map((round) => phaseCosts(round));
  return Array.from({ length: phases }, (_, phase) => median(perRound.map((costs) => costs[phase] ?? Number.NaN)));
}

/**
 * A Markdown table: one row per phase and one for the whole flow, each server's median µs per flow, and the second
 * server's cost over the first's (how many times cheaper the first is).
 */
export function renderPhaseTable(phases: readonly string[], first: PhaseRuns, second: PhaseRuns): string {
  const a = medianPhaseCosts(first, phases.length);
  const b = medianPhaseCosts(second, phases.length);
  const whole = (runs: PhaseRuns) => median(runs.rounds.map((round) => round.at(-1) ?? Number.NaN));
  const row = (label: string, x: number, y: number) =>
    `| ${label} | ${String(Math.round(x))} | ${String(Math.round(y))} | ${x > 0 ? (y / x).toFixed(2) + '×' : '—'} |`;
  return [
    `| phase | ${first.name} µs | ${second.name} µs | ${second.name} / ${first.name} |`,
    '| --- | ---: | ---: | ---: |',
    ...phases.map((phase, index) => row(phase, a[index] ?? Number.NaN, b[index] ?? Number.NaN)),
    row('whole flow', whole(first), whole(second)),
  ].join('\n');
}
