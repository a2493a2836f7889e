/**
 * The whole measurement: both servers started on their own Redis and pinned, warmed up, their idle RSS taken; then
 * `rounds` rounds of every scenario, each scenario run against both servers back to back with the order alternating
 * per round (so drift on a shared machine hits both); then a soak per server; then everything stopped.
 * `timed: false` is the correctness check: every scenario once with a few requests, nothing timed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAccounts } from './accounts.ts';
import { buildCompiledEntry } from './build.ts';
import { writeBenchKeys } from './keys.ts';
import { useLoadDriver, type LoadDriver, type LoadLength, type LoadResult } from './load.ts';
import { RssSampler, rssMiB } from './memory.ts';
import { pinPid, pinningPlan } from './pinning.ts';
import { scenarios, type Scenario, type ScenarioContext } from './scenarios.ts';
import { kubeoidcSpec, sourceEntry } from './servers/kubeoidc.ts';
import { launch, type RunningServer } from './servers/launch.ts';
import { peerSpec } from './servers/peer.ts';

export const serverNames = ['kubeoidc', 'oidc-provider'] as const;
export type ServerName = (typeof serverNames)[number];

export interface BenchOptions {
  timed: boolean;
  /** Timed: seconds per scenario. */
  seconds: number;
  /**
   * Timed: seconds each server runs a scenario, unrecorded, before its first round (0: none), so the rounds measure a
   * warm process — the JIT's optimised code and a settled heap for the paths of that scenario — on both servers alike.
   */
  warmupSeconds?: number;
  /** Check: requests (or flows) per scenario. */
  amount: number;
  rounds: number;
  connections: number;
  loginRunners: number;
  soakSeconds: number;
  /** `compiled`: build like the image and run `dist/bin/kubeoidc.js`; `source`: run `bin/kubeoidc.ts`. */
  kubeoidcEntry: 'compiled' | 'source';
  /** Pin servers and this process to cores (when the machine allows, see `pinning.ts`). */
  pin: boolean;
  /** Driver of the single-request scenarios (default `net`, the bench's own; `autocannon` to cross-check it). */
  driver?: LoadDriver;
  /** Row ids to measure (a scenario runs when any of its rows is named); all when absent. */
  only?: readonly string[];
  log: (line: string) => void;
}

export interface MemoryResult {
  idle?: number;
  peak?: number;
  soakStart?: number;
  soakEnd?: number;
}

export interface BenchResults {
  options: BenchOptions;
  pinned: { load: number; server: number } | undefined;
  /** Per server, per row id, one result per round. */
  results: Record<ServerName, Map<string, LoadResult[]>>;
  memory: Record<ServerName, MemoryResult>;
}

const fmt = (r: LoadResult): string =>
  `${r.rate.toFixed(1)}/s p50 ${String(r.p50)} ms p99 ${String(r.p99)} ms errors ${String(r.errors)}${r.firstError ? ` (${r.firstError})` : ''}`;

/** Runs a scenario; one that cannot even be prepared yields a result with that error on each row (BROKEN). */
async function runGuarded(scenario: Scenario, context: ScenarioContext): Promise<LoadResult[]> {
  try {
    return await scenario.run(context);
  } catch (error) {
    const firstError = error instanceof Error ? error.message : String(error);
    return scenario.rows.map(() => ({ rate: 0, p50: 0, p99: 0, accepted: 0, errors: 1, firstError, seconds: 0 }));
  }
}

/** The scenarios having a row named in `only` (all when absent); an unknown id is an error naming the known ones. */
export function selectScenarios(only: readonly string[] | undefined): Scenario[] {
  if (only === undefined) return scenarios;
  const known = scenarios.flatMap((scenario) => scenario.rows.map((row) => row.id));
  const unknown = only.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return scenarios.filter((scenario) => scenario.rows.some((row) => only.includes(row.id)));
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const chosen = selectScenarios(options.only);
  useLoadDriver(options.driver ?? 'net');
  const pinned = options.pin ? pinningPlan(process.env) : undefined;
  if (pinned) await pinPid(process.pid, pinned.load);
  const scratch = await mkdtemp(join(tmpdir(), 'kubeoidc-bench-'));
  const keysFile = await writeBenchKeys(scratch);
  const accounts = await benchAccounts(Math.max(options.connections, options.loginRunners));
  let buildDir: string | undefined;
  let entry = sourceEntry;
  if (options.kubeoidcEntry === 'compiled') {
    options.log('building the provider like the image (tsc -p tsconfig.build.json)…');
    ({ entry, dir: buildDir } = await buildCompiledEntry());
  }
  const servers = new Map<ServerName, RunningServer>();
  const samplers = new Map<ServerName, RssSampler>();
  const results = { kubeoidc: new Map(), 'oidc-provider': new Map() } as BenchResults['results'];
  const memory: BenchResults['memory'] = { kubeoidc: {}, 'oidc-provider': {} };
  try {
    // Started together (both on the server core); a failed start still stops the other in `finally`.
    const started = await Promise.allSettled([
      launch(kubeoidcSpec({ entry, keysFile, accounts }), pinned?.server),
      launch(peerSpec({ keysFile }), pinned?.server),
    ]);
    for (const outcome of started)
      if (outcome.status === 'fulfilled') servers.set(outcome.value.name as ServerName, outcome.value);
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const contextFor = (name: ServerName, length: LoadLength): ScenarioContext => ({
      baseUrl: servers.get(name)?.baseUrl ?? '',
      length,
      connections: options.connections,
      loginRunners: options.loginRunners,
      timed: options.timed,
      rateOf: (row) => results[name].get(row)?.at(-1)?.rate,
    });
    const warmLength: LoadLength = { seconds: Math.min(2, options.seconds) };
    for (const name of serverNames) {
      const server = servers.get(name);
      if (!server) continue;
      // Warm-up (timed runs): the request-only scenarios under light load, then the process is left alone for a few
      // seconds before idle RSS is taken.
      if (options.timed) {
        for (const scenario of scenarios.slice(0, 5)) await runGuarded(scenario, contextFor(name, warmLength));
        await new Promise((wait) => setTimeout(wait, 3000));
      }
      memory[name].idle = await rssMiB(server.pid);
      const sampler = new RssSampler(server.pid);
      sampler.start();
      samplers.set(name, sampler);
      options.log(`${name}: ${server.baseUrl}, idle RSS ${String(memory[name].idle)} MiB`);
    }
    const length: LoadLength = options.timed ? { seconds: options.seconds } : { amount: options.amount };
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? serverNames : [...serverNames].reverse();
      for (const scenario of chosen) {
        const record = (name: ServerName, rows: LoadResult[]): void => {
          scenario.rows.forEach((row, index) => {
            const result = rows[index] as LoadResult | undefined;
            if (!result) return;
            const list = results[name].get(row.id) ?? [];
            list.push(result);
            results[name].set(row.id, list);
            options.log(`round ${String(round + 1)} ${row.id} ${name}: ${fmt(result)}`);
          });
        };
        if (options.timed) {
          const warmup = options.warmupSeconds ?? 0;
          if (round === 0 && warmup > 0) {
            for (const name of order) {
              const warmed = await runGuarded(scenario, contextFor(name, { seconds: warmup }));
              scenario.rows.forEach((row, index) => {
                const result = warmed[index] as LoadResult | undefined;
                if (result) options.log(`warm-up ${row.id} ${name}: ${fmt(result)}`);
              });
            }
          }
          for (const name of order) record(name, await runGuarded(scenario, contextFor(name, length)));
        } else {
          // The correctness check times nothing, so both servers are checked at once.
          const both = await Promise.all(order.map((name) => runGuarded(scenario, contextFor(name, length))));
          order.forEach((name, index) => {
            record(name, both[index] ?? []);
          });
        }
      }
    }
    if (options.soakSeconds > 0) {
      for (const name of serverNames) await soak(name, contextFor, options, servers, memory);
    }
    for (const name of serverNames) memory[name].peak = samplers.get(name)?.peak;
  } finally {
    for (const sampler of samplers.values()) sampler.stop();
    for (const server of servers.values()) await server.stop();
    await rm(scratch, { recursive: true, force: true });
    if (buildDir) await rm(buildDir, { recursive: true, force: true });
  }
  return { options, pinned, results, memory };
}

/**
 * Soak: the request-only scenarios (discovery, JWKS, both client_credentials, introspection) in turn, in chunks of at
 * most 10 s, for `soakSeconds`. RSS after the first pass (warm) and at the end say whether memory still grows.
 */
async function soak(
  name: ServerName,
  contextFor: (name: ServerName, length: LoadLength) => ScenarioContext,
  options: BenchOptions,
  servers: Map<ServerName, RunningServer>,
  memory: BenchResults['memory'],
): Promise<void> {
  const pid = servers.get(name)?.pid ?? 0;
  const chunk = Math.max(1, Math.min(10, Math.floor(options.soakSeconds / 10)));
  const end = performance.now() + options.soakSeconds * 1000;
  const mix = scenarios.slice(0, 5);
  let passes = 0;
  while (performance.now() < end || passes === 0) {
    for (const scenario of mix) {
      const left = Math.ceil((end - performance.now()) / 1000);
      const results = await runGuarded(scenario, contextFor(name, { seconds: Math.max(1, Math.min(chunk, left)) }));
      const broken = results.find((r) => r.errors > 0);
      if (broken) options.log(`soak ${name}: ${scenario.rows[0]?.id ?? ''} had errors: ${broken.firstError ?? ''}`);
    }
    passes += 1;
    if (passes === 1) memory[name].soakStart = await rssMiB(pid);
  }
  memory[name].soakEnd = await rssMiB(pid);
  options.log(`soak ${name}: RSS ${String(memory[name].soakStart)} → ${String(memory[name].soakEnd)} MiB`);
}
