/**
 * `npm run bench`: kubeoidc (compiled like the image) against panva's oidc-provider 9, each on its own redis-server,
 * servers pinned to one core and this load generator to the other, every scenario of issue 10, median of rounds,
 * memory idle / peak / after a soak. Prints progress and the table, and writes it to bench/results.md.
 *
 * Environment (defaults in brackets): BENCH_SECONDS [10] per scenario, BENCH_ROUNDS [3], BENCH_WARMUP_SECONDS [5] each
 * server runs a scenario unrecorded before its first round (0: none), BENCH_CONNECTIONS [50],
 * BENCH_LOGIN_CONCURRENCY [8] concurrent logins of the login burst, BENCH_SOAK_SECONDS [300] per server (0: none),
 * BENCH_KUBEOIDC_ENTRY [compiled] or `source`, BENCH_PIN [1] (0: no pinning), BENCH_NOTE: a line added to the
 * results (e.g. "the machine was shared"), BENCH_RESULTS [bench/results.md] where to write them, BENCH_SCENARIOS [all]
 * comma-separated row ids to measure (e.g. `introspection,cc-jwt`; the soak still runs unless BENCH_SOAK_SECONDS=0),
 * BENCH_DRIVER [net] the load driver of the single-request scenarios (`autocannon` to cross-check the bench's own).
 * Quick smoke run: BENCH_SECONDS=1 BENCH_ROUNDS=1 BENCH_WARMUP_SECONDS=0 BENCH_SOAK_SECONDS=2 npm run bench
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { envInteger } from './env-integer.ts';
import { machineInfo, renderReport } from './report.ts';
import { loadDrivers, type LoadDriver } from './load.ts';
import { runBench } from './suite.ts';

const integer = (name: string, fallback: number, min: number): number => envInteger('bench', name, fallback, min);

const entry = process.env.BENCH_KUBEOIDC_ENTRY ?? 'compiled';
if (entry !== 'compiled' && entry !== 'source') {
  console.error(`bench: BENCH_KUBEOIDC_ENTRY must be compiled or source, got "${entry}"`);
  process.exit(2);
}

const driver = process.env.BENCH_DRIVER ?? 'net';
if (!(loadDrivers as readonly string[]).includes(driver)) {
  console.error(`bench: BENCH_DRIVER must be ${loadDrivers.join(' or ')}, got "${driver}"`);
  process.exit(2);
}

const bench = await runBench({
  timed: true,
  seconds: integer('BENCH_SECONDS', 10, 1),
  amount: 0,
  rounds: integer('BENCH_ROUNDS', 3, 1),
  warmupSeconds: integer('BENCH_WARMUP_SECONDS', 5, 0),
  connections: integer('BENCH_CONNECTIONS', 50, 1),
  loginRunners: integer('BENCH_LOGIN_CONCURRENCY', 8, 1),
  soakSeconds: integer('BENCH_SOAK_SECONDS', 300, 0),
  kubeoidcEntry: entry,
  pin: true,
  driver: driver as LoadDriver,
  ...(process.env.BENCH_SCENARIOS ? { only: process.env.BENCH_SCENARIOS.split(',').map((id) => id.trim()) } : {}),
  log: (line) => {
    console.log(line);
  },
});
const report = renderReport(bench, machineInfo(), process.env.BENCH_NOTE);
console.log(`\n${report}`);
await writeFile(process.env.BENCH_RESULTS ?? resolve(import.meta.dirname, 'results.md'), report);
