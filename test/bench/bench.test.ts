import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { ok2xx, runLoad } from '../../bench/load.ts';
import { renderReport, verdict, machineInfo } from '../../bench/report.ts';
import { scenarios } from '../../bench/scenarios.ts';
import { runBench, selectScenarios, serverNames, type BenchResults } from '../../bench/suite.ts';

/**
 * `npm run bench` cannot rot: every scenario runs once against both real servers (kubeoidc from the sources and
 * oidc-provider, each on its own redis-server) with a few requests, and every request must get the answer the
 * scenario expects. Nothing is timed. Plus: an unexpected answer counts as an error, never as throughput.
 */
describe('bench scenarios (correctness, not speed)', () => {
  let bench: BenchResults;
  before(async () => {
    bench = await runBench({
      timed: false,
      seconds: 0,
      amount: 4,
      rounds: 1,
      connections: 2,
      loginRunners: 2,
      soakSeconds: 0,
      kubeoidcEntry: 'source',
      pin: false,
      log: () => undefined,
    });
  });

  it('every scenario gets only expected answers from both servers', () => {
    for (const row of scenarios.flatMap((scenario) => scenario.rows)) {
      for (const name of serverNames) {
        const [result] = bench.results[name].get(row.id) ?? [];
        assert.ok(result, `${row.id} ran against ${name}`);
        assert.equal(result.errors, 0, `${row.id} on ${name}: ${result.firstError ?? ''}`);
        assert.ok(result.accepted >= 2, `${row.id} on ${name} got ${String(result.accepted)} answers`);
      }
    }
    assert.ok((bench.memory.kubeoidc.idle ?? 0) > 0, 'idle RSS measured');
    const report = renderReport(bench, machineInfo());
    assert.doesNotMatch(report, /BROKEN/);
    assert.match(report, /\| client_credentials \(opaque\) \| req\/s \|/);
  });
});

describe('bench warm-up per scenario (timed)', () => {
  it('runs each scenario once per server before its first round, unrecorded, and says so in the results', async () => {
    const lines: string[] = [];
    const bench = await runBench({
      timed: true,
      seconds: 1,
      warmupSeconds: 1,
      amount: 0,
      rounds: 2,
      connections: 2,
      loginRunners: 1,
      soakSeconds: 0,
      kubeoidcEntry: 'source',
      pin: false,
      only: ['discovery'],
      log: (line) => lines.push(line),
    });
    for (const name of serverNames) {
      assert.equal(lines.filter((line) => line.startsWith(`warm-up discovery ${name}: `)).length, 1, lines.join('\n'));
      assert.equal(bench.results[name].get('discovery')?.length, 2, `${name}: only the two rounds are recorded`);
      // The warm-up comes before the first round.
      const warmed = lines.findIndex((line) => line.startsWith(`warm-up discovery ${name}: `));
      const first = lines.findIndex((line) => line.startsWith(`round 1 discovery ${name}: `));
      assert.ok(warmed >= 0 && warmed < first, lines.join('\n'));
    }
    assert.match(
      renderReport(bench, machineInfo()),
      /median of 2 rounds \(server order alternating per round\) after a 1 s warm-up run of the scenario on each server/,
    );
  });
});

describe('bench accounting', () => {
  let server: Server;
  let url: string;
  before(async () => {
    let count = 0;
    server = createServer((_req, res) => {
      count += 1;
      res.writeHead(count % 2 === 0 ? 400 : 200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    url = `http://127.0.0.1:${String(typeof address === 'object' && address ? address.port : 0)}`;
  });
  after(() => server.close());

  it('BENCH_SCENARIOS picks scenarios by row id and refuses an unknown id', () => {
    assert.equal(selectScenarios(undefined), scenarios);
    const picked = selectScenarios(['introspection', 'cc-jwt']);
    assert.deepEqual(
      picked.flatMap((scenario) => scenario.rows.map((row) => row.id)),
      ['cc-jwt', 'introspection'],
    );
    assert.throws(() => selectScenarios(['introspektion']), /unknown scenario introspektion \(known: discovery, /);
  });

  it('counts non-2xx answers as errors, not throughput', async () => {
    const result = await runLoad(url, { method: 'GET', path: '/', accept: ok2xx() }, { connections: 1, amount: 10 });
    assert.equal(result.accepted + result.errors, 10);
    assert.equal(result.errors, 5);
    assert.match(result.firstError ?? '', /^400 /);
  });

  it('marks a row with errors BROKEN whatever its ratio', () => {
    const fast = { rate: 100, p50: 1, p99: 2, errors: 0 };
    const slow = { rate: 10, p50: 1, p99: 2, errors: 0 };
    assert.equal(verdict({ ratio: 1.5, p99: 25 }, fast, slow), 'yes');
    assert.equal(verdict({ ratio: 1.5 }, slow, fast), 'no');
    assert.match(verdict({ ratio: 1.5 }, { ...fast, errors: 3 }, slow), /^BROKEN/);
  });
});
