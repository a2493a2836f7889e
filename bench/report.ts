/**
 * The results as markdown: the machine, the settings, one row per scenario with both servers' medians, the ratio
 * kubeoidc/oidc-provider and whether the issue's goal is met, then memory. A row with errors on either side says
 * BROKEN instead of a verdict: its numbers are not a valid measurement.
 */
import { cpus, release } from 'node:os';
import { imageEnvironment, imageNodeFlags } from '../test/support/image-entrypoint.ts';
import type { LoadResult } from './load.ts';
import { median } from './median.ts';
import { scenarios, type Goal, type Row } from './scenarios.ts';
import type { BenchResults, MemoryResult } from './suite.ts';

/** Memory goals of issue 10 for kubeoidc, MiB. */
export const memoryGoals = { idle: 80, load: 150 };

export interface Summary {
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
}

/** The median over rounds; 0 when a server has no result for the row. */
const medianOrZero = (values: readonly number[]): number => (values.length === 0 ? 0 : median(values));

/** Median rate, p50 and p99 over the rounds; errors summed. */
export function summarise(results: readonly LoadResult[]): Summary {
  const firstError = results.find((r) => r.firstError)?.firstError;
  return {
    rate: medianOrZero(results.map((r) => r.rate)),
    p50: medianOrZero(results.map((r) => r.p50)),
    p99: medianOrZero(results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/** The verdict for one row: BROKEN with errors, else whether each goal holds, else "—" (no goal). */
export function verdict(goal: Goal, kubeoidc: Summary, peer: Summary): string {
  if (kubeoidc.errors > 0 || peer.errors > 0)
    return `BROKEN (errors: ${String(kubeoidc.errors)} / ${String(peer.errors)})`;
  const checks: string[] = [];
  if (goal.ratio !== undefined) checks.push(peer.rate > 0 && kubeoidc.rate / peer.rate >= goal.ratio ? 'yes' : 'no');
  if (goal.p99 !== undefined) checks.push(kubeoidc.p99 <= goal.p99 ? 'yes' : 'no');
  if (checks.length === 0) return '—';
  return checks.every((check) => check === 'yes') ? 'yes' : 'no';
}

function goalText(goal: Goal): string {
  const parts = [
    ...(goal.ratio === undefined ? [] : [`≥ ${String(goal.ratio)}×`]),
    ...(goal.p99 === undefined ? [] : [`p99 ≤ ${String(goal.p99)} ms`]),
  ];
  return parts.length > 0 ? parts.join(', ') : '—';
}

const n = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

function memoryRow(name: string, memory: MemoryResult, isKubeoidc: boolean): string {
  const cell = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(0));
  const growth =
    memory.soakStart !== undefined && memory.soakEnd !== undefined
      ? `${memory.soakEnd - memory.soakStart >= 0 ? '+' : ''}${(memory.soakEnd - memory.soakStart).toFixed(0)}`
      : '—';
  let met = '—';
  if (isKubeoidc && memory.idle !== undefined && memory.peak !== undefined) {
    met = memory.idle <= memoryGoals.idle && memory.peak <= memoryGoals.load ? 'yes' : 'no';
  }
  return `| ${name} | ${cell(memory.idle)} | ${cell(memory.peak)} | ${cell(memory.soakStart)} | ${cell(memory.soakEnd)} | ${growth} | ${met} |`;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  kernel: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    // cpus(), not availableParallelism(): the bench pins itself to one core before the report is made.
    cores: cpus().length,
    node: process.version,
    kernel: release(),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

/** The markdown of `bench/results.md` (and of the README's table). */
export function renderReport(bench: BenchResults, machine: MachineInfo, note?: string): string {
  const { options } = bench;
  // Rows of scenarios left out (BENCH_SCENARIOS) are not in the table.
  const rows: Row[] = scenarios
    .flatMap((scenario) => scenario.rows)
    .filter((row) => bench.results.kubeoidc.has(row.id) || bench.results['oidc-provider'].has(row.id));
  const lines = [
    '# Benchmark results',
    '',
    `- machine: ${machine.cpu}, ${String(machine.cores)} cores, Linux ${machine.kernel}, node ${machine.node}; ${machine.date}`,
    `- ${bench.pinned ? `servers and their redis-server pinned to core ${String(bench.pinned.server)}, load generator to core ${String(bench.pinned.load)} (taskset)` : 'NOT pinned (fewer than 2 cores, no taskset, or BENCH_PIN=0)'}`,
    `- single requests driven by ${options.driver === 'autocannon' ? 'autocannon' : "the bench's own node:net driver (`bench/net-load.ts`)"}, one request in flight per connection; flows (code flow, refresh chains) by a \`node:http\` keep-alive driver (\`bench/http-client.ts\`)`,
    `- ${options.timed ? `${String(options.seconds)} s per scenario, median of ${String(options.rounds)} rounds (server order alternating per round)${(options.warmupSeconds ?? 0) > 0 ? ` after a ${String(options.warmupSeconds)} s warm-up run of the scenario on each server` : ', no warm-up run per scenario'}` : `correctness check: ${String(options.amount)} requests or flows per scenario, nothing timed`}, ${String(options.connections)} connections (flows: as many concurrent users), login burst ${String(options.loginRunners)} concurrent logins`,
    `- kubeoidc ${options.kubeoidcEntry === 'compiled' ? 'compiled like the image (`node dist/bin/kubeoidc.js provider`)' : 'from the TypeScript sources'}, with the image's node flags and environment (\`${[...imageNodeFlags(), ...Object.entries(imageEnvironment()).map(([name, value]) => `${name}=${value}`)].join(' ')}\`), on its own redis-server; oidc-provider 9 on its own redis-server through the bench's adapter (\`bench/servers/oidc-redis-adapter.ts\`)`,
    "- oidc-provider's development login accepts any login and checks no password: only the trivial-hash code flow compares equal password cost",
    ...(note ? [`- ${note}`] : []),
    '',
    '| scenario | unit | kubeoidc | p50 ms | p99 ms | errors | oidc-provider | p50 ms | p99 ms | errors | kubeoidc / oidc-provider | goal | met |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  const notes: string[] = [];
  for (const row of rows) {
    const k = summarise(bench.results.kubeoidc.get(row.id) ?? []);
    const p = summarise(bench.results['oidc-provider'].get(row.id) ?? []);
    const ratio = p.rate > 0 ? `${(k.rate / p.rate).toFixed(2)}×` : '—';
    lines.push(
      `| ${row.title} | ${row.unit} | ${n(k.rate)} | ${n(k.p50)} | ${n(k.p99)} | ${String(k.errors)} | ${n(p.rate)} | ${n(p.p50)} | ${n(p.p99)} | ${String(p.errors)} | ${ratio} | ${goalText(row.goal)} | ${verdict(row.goal, k, p)} |`,
    );
    if (row.goal.note) notes.push(`- ${row.title}: ${row.goal.note}`);
    for (const [name, summary] of [
      ['kubeoidc', k],
      ['oidc-provider', p],
    ] as const) {
      if (summary.firstError)
        notes.push(`- ${row.title}, ${name}, first error: \`${summary.firstError.replace(/`/g, "'")}\``);
    }
  }
  lines.push(
    '',
    `Resident memory (MiB) of the server process; goal for kubeoidc: idle ≤ ${String(memoryGoals.idle)}, peak under load ≤ ${String(memoryGoals.load)}, no growth over the soak (${String(options.soakSeconds)} s).`,
    '',
    '| server | idle | peak under load | soak, warm | soak, end | growth | met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    memoryRow('kubeoidc', bench.memory.kubeoidc, true),
    memoryRow('oidc-provider', bench.memory['oidc-provider'], false),
    '',
    ...notes,
    '',
  );
  return lines.join('\n');
}
