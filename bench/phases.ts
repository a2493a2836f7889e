/**
 * `npm run bench:phases`: where each server's CPU goes in the code flow of `npm run bench` (the `code-flow` row:
 * PKCE, the HTML login and consent forms, trivial password hash, a new browser per flow), phase by phase
 * (`flowPhases` in flows.ts: authorize, login-page, login, consent-page, consent, token). kubeoidc (compiled like the
 * image) and then oidc-provider run one at a time, each with its redis-server pinned to the server core and the load
 * on the other, as `npm run bench` does. After a warm-up of whole flows, each round runs, for each phase p, the flow
 * up to p (PHASES_CONNECTIONS runners in a closed loop for PHASES_SECONDS); the CPU of the server (all its threads)
 * and of its redis-server per flow prefix, minus the previous prefix's, is the phase's cost. Prints each round's
 * prefixes and, at the end, the median cost per phase of both servers and their ratio (docs/performance.md, "The code
 * flow, phase by phase"). Costs are differences of separate runs: a phase costing tens of µs is within their noise.
 *
 * Environment (defaults in brackets): PHASES_SECONDS [4] per phase and round, PHASES_ROUNDS [3],
 * PHASES_WARMUP_SECONDS [2], PHASES_CONNECTIONS [50].
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envInteger } from './env-integer.ts';
import { runFlows } from './flow-load.ts';
import { codeFlowUntil, flowPhases, type FlowPhase } from './flows.ts';
import { pinPid, pinningPlan } from './pinning.ts';
import { renderPhaseTable, type PhaseRuns } from './phase-costs.ts';
import { startProfiledServer, type ProfiledServer, type ProfiledServerName } from './profiled-server.ts';
import { users } from './scenario-kit.ts';
import type { RunningServer } from './servers/launch.ts';
import { readProcessCpu } from './thread-cpu.ts';

const integer = (name: string, fallback: number, min: number): number =>
  envInteger('bench:phases', name, fallback, min);
const seconds = integer('PHASES_SECONDS', 4, 1);
const rounds = integer('PHASES_ROUNDS', 3, 1);
const warmupSeconds = integer('PHASES_WARMUP_SECONDS', 2, 0);
const connections = integer('PHASES_CONNECTIONS', 50, 1);

/** CPU µs of the server and its redis-server per flow run up to `last`, over `length` seconds. */
async function prefixCost(server: RunningServer, last: FlowPhase, length: number): Promise<number> {
  const runners = users('trivial', connections);
  const before = readProcessCpu(server.pid) + readProcessCpu(server.redisPid);
  const result = await runFlows(
    (runner) => codeFlowUntil(server.baseUrl, runners[runner] ?? runners[0], last).then(() => undefined),
    {
      runners: runners.length,
      seconds: length,
    },
  );
  const after = readProcessCpu(server.pid) + readProcessCpu(server.redisPid);
  if (result.errors > 0) throw new Error(`${server.name}, up to ${last}: ${result.firstError ?? 'errors'}`);
  if (result.accepted === 0) throw new Error(`${server.name}, up to ${last}: no flow completed in ${String(length)} s`);
  return ((after - before) * 1e6) / result.accepted;
}

async function measure(name: ProfiledServerName, scratch: string, core: number | undefined): Promise<PhaseRuns> {
  let started: ProfiledServer | undefined;
  try {
    started = await startProfiledServer(name, { scratch, accounts: connections, core });
    const server = started.server;
    console.log(`${server.name}: ${server.baseUrl}`);
    if (warmupSeconds > 0) await prefixCost(server, 'token', warmupSeconds);
    const measured: number[][] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const prefixes: number[] = [];
      for (const phase of flowPhases) prefixes.push(await prefixCost(server, phase, seconds));
      measured.push(prefixes);
      const shown = prefixes.map((cost, index) => `${flowPhases[index] ?? ''} ${String(Math.round(cost))}`);
      console.log(`${server.name} round ${String(round)}, µs per flow up to: ${shown.join(', ')}`);
    }
    return { name: server.name, rounds: measured };
  } finally {
    await started?.stop();
  }
}

const pinned = pinningPlan(process.env);
if (pinned) await pinPid(process.pid, pinned.load);
else console.log('not pinned (fewer than 2 cores, no taskset, or BENCH_PIN=0): figures include the load generator');
const scratch = await mkdtemp(join(tmpdir(), 'kubeoidc-phases-'));
try {
  const kubeoidc = await measure('kubeoidc', scratch, pinned?.server);
  const peer = await measure('oidc-provider', scratch, pinned?.server);
  console.log(`\nCPU per flow by phase (server and its redis-server, median of ${String(rounds)} rounds):\n`);
  console.log(renderPhaseTable(flowPhases, kubeoidc, peer));
} catch (error) {
  console.error(`bench:phases: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await rm(scratch, { recursive: true, force: true });
}
