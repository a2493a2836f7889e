/**
 * `npm run bench`: the same requests against kubeoidc and against panva's oidc-provider (the peer), each server in its
 * own process on a free loopback port, driven by autocannon from this process. Bounded: every scenario runs for
 * BENCH_SECONDS (default 5) with BENCH_CONNECTIONS (default 16) connections, then the servers are stopped.
 * Prints a markdown table (requests/s, latency p50/p99, errors, server RSS) and writes it to bench/results.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { freePort } from '../test/support/free-port.ts';
import { runScenario, type ScenarioResult } from './load.ts';
import { scenarios } from './scenarios.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const servers = [
  { name: 'kubeoidc', entry: resolve(import.meta.dirname, 'servers/kubeoidc.ts') },
  { name: 'oidc-provider', entry: resolve(import.meta.dirname, 'servers/oidc-provider.ts') },
];

async function startServer(entry: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [entry, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${entry} did not start: ${output}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
  return child;
}

/** Resident set size of a process in MiB (Linux /proc). */
async function rssMiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const rows: string[] = [];
for (const server of servers) {
  const port = await freePort();
  const child = await startServer(server.entry, port);
  try {
    for (const scenario of scenarios) {
      const result: ScenarioResult = await runScenario(scenario, `http://127.0.0.1:${port}`, { seconds, connections });
      const rss = await rssMiB(child.pid!);
      rows.push(
        `| ${scenario.name} | ${server.name} | ${result.requestsPerSecond.toFixed(0)} | ${result.p50} | ${result.p99} | ${result.errors} | ${rss} |`,
      );
      console.log(rows.at(-1));
    }
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

const table = [
  `Benchmarks (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${seconds} s per scenario, ${connections} connections, loopback):`,
  '',
  '| scenario | server | requests/s | p50 ms | p99 ms | non-2xx/errors | server RSS MiB |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n');
console.log(`\n${table}`);
await writeFile(resolve(import.meta.dirname, 'results.md'), table);
