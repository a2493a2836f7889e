/**
 * `npm run bench:profile`: where one server's core goes in one bench scenario. The server (compiled like the image,
 * or oidc-provider) and its redis-server pinned to one core, the bench's own load on the other, as `npm run bench`
 * does; after a warm-up run, each round reports the scenario's rate and latency and the CPU per answer (per flow for
 * the flow rows) of the server by thread group (`thread-cpu.ts`: the event loop, V8's GC and compiler workers,
 * libuv's pool) and of its redis-server, plus the server's RSS. Figures taken side by side this way (variants
 * alternating, several rounds each) are what docs/performance.md reports; CPU per answer is steadier than the rate on
 * a shared machine. The CPU of a round includes the scenario's own preparation (e.g. the 50 code flows that start the
 * refresh chains, the token pool of introspection), small against a round of several seconds.
 *
 * Environment (defaults in brackets): PROFILE_SCENARIO a row id of the bench (`cc-jwt`, `refresh`, `code-flow`, …;
 * the CPU is divided by that row's answers), PROFILE_SERVER [kubeoidc] or `oidc-provider`, PROFILE_SECONDS [5] per
 * round, PROFILE_ROUNDS [3], PROFILE_WARMUP_SECONDS [2], PROFILE_CONNECTIONS [50], PROFILE_NODE_FLAGS node flags added
 * after the image's (kubeoidc only; e.g. `--max-semi-space-size=16`), PROFILE_CPU_PROF a directory: the server runs
 * with `--cpu-prof` and writes its profile there when stopped.
 * Example: PROFILE_SCENARIO=refresh PROFILE_ROUNDS=2 npm run bench:profile
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { envInteger } from './env-integer.ts';
import { useLoadDriver, type LoadResult } from './load.ts';
import { rssMiB } from './memory.ts';
import { pinPid, pinningPlan } from './pinning.ts';
import { profiledServerName, startProfiledServer, type ProfiledServer } from './profiled-server.ts';
import type { Scenario, ScenarioContext } from './scenarios.ts';
import { selectScenarios } from './suite.ts';
import { perUnitMicros, readProcessCpu, readThreadCpu } from './thread-cpu.ts';

function fail(message: string): never {
  console.error(`bench:profile: ${message}`);
  process.exit(2);
}

const integer = (name: string, fallback: number, min: number): number =>
  envInteger('bench:profile', name, fallback, min);

const rowId = process.env.PROFILE_SCENARIO ?? fail('PROFILE_SCENARIO is required (a row id of the bench, e.g. cc-jwt)');
function scenarioOf(id: string): Scenario {
  try {
    return selectScenarios([id]).at(0) ?? fail(`no scenario has the row ${id}`);
  } catch (error) {
    return fail((error as Error).message);
  }
}
const scenario = scenarioOf(rowId);
// Found: `selectScenarios` chose the scenario by this row.
const rowIndex = scenario.rows.findIndex((row) => row.id === rowId);
const serverName = (() => {
  try {
    return profiledServerName('PROFILE_SERVER', process.env.PROFILE_SERVER ?? 'kubeoidc');
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const seconds = integer('PROFILE_SECONDS', 5, 1);
const rounds = integer('PROFILE_ROUNDS', 3, 1);
const warmupSeconds = integer('PROFILE_WARMUP_SECONDS', 2, 0);
const connections = integer('PROFILE_CONNECTIONS', 50, 1);
const cpuProfDir = process.env.PROFILE_CPU_PROF ? resolve(process.env.PROFILE_CPU_PROF) : undefined;
const extraFlags = [
  ...(process.env.PROFILE_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean),
  ...(cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`]),
];
if (serverName === 'oidc-provider' && extraFlags.length > 0) {
  fail('PROFILE_NODE_FLAGS and PROFILE_CPU_PROF apply to kubeoidc only');
}

const pinned = pinningPlan(process.env);
if (pinned) await pinPid(process.pid, pinned.load);
else console.log('not pinned (fewer than 2 cores, no taskset, or BENCH_PIN=0): figures include the load generator');
useLoadDriver('net');
const scratch = await mkdtemp(join(tmpdir(), 'kubeoidc-profile-'));
let started: ProfiledServer | undefined;
try {
  started = await startProfiledServer(serverName, {
    scratch,
    accounts: connections,
    nodeFlags: extraFlags,
    core: pinned?.server,
  });
  const running = started.server;
  console.log(
    `${running.name}: ${running.baseUrl} (pid ${String(running.pid)}, redis-server ${String(running.redisPid)})`,
  );
  let lastRate: Map<string, number> = new Map();
  const context = (length: number): ScenarioContext => ({
    baseUrl: running.baseUrl,
    length: { seconds: length },
    connections,
    loginRunners: 8,
    timed: true,
    rateOf: (row) => lastRate.get(row),
  });
  const record = (results: LoadResult[]): void => {
    lastRate = new Map(scenario.rows.map((row, index) => [row.id, results[index]?.rate ?? 0]));
  };
  if (warmupSeconds > 0) record(await scenario.run(context(warmupSeconds)));
  for (let round = 1; round <= rounds; round += 1) {
    const threadsBefore = readThreadCpu(running.pid);
    const redisBefore = readProcessCpu(running.redisPid);
    const results = await scenario.run(context(seconds));
    const threadsAfter = readThreadCpu(running.pid);
    const redisAfter = readProcessCpu(running.redisPid);
    record(results);
    const result = results.at(rowIndex);
    if (result === undefined) throw new Error(`the scenario gave no result for ${rowId}`);
    const units = result.accepted;
    const byGroup = perUnitMicros(threadsBefore, threadsAfter, units);
    const total = [...byGroup.values()].reduce((sum, micros) => sum + micros, 0);
    const redis = units > 0 ? Math.round(((redisAfter - redisBefore) * 1e6) / units) : 0;
    const groups = [...byGroup].map(([group, micros]) => `${group} ${String(micros)}`).join(', ');
    console.log(
      `round ${String(round)} ${rowId}: ${result.rate.toFixed(1)}/s p50 ${String(result.p50)} ms p99 ${String(result.p99)} ms` +
        ` errors ${String(result.errors)} | CPU µs per answer: server ${String(total)} (${groups}), redis-server` +
        ` ${String(redis)} | RSS ${String(await rssMiB(running.pid))} MiB`,
    );
  }
} catch (error) {
  // Not `fail`: process.exit would skip the `finally` below and leave the server and its Redis running.
  console.error(`bench:profile: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  // SIGINT stops the provider at once (SIGTERM drains first) and lets node write a --cpu-prof profile on the way out.
  if (started && cpuProfDir !== undefined) {
    process.kill(started.server.pid, 'SIGINT');
    await new Promise((wait) => setTimeout(wait, 3000));
  }
  await started?.stop();
  await rm(scratch, { recursive: true, force: true });
  if (cpuProfDir !== undefined) console.log(`CPU profile in ${cpuProfDir}`);
}
