import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { benchAccounts } from '../../bench/accounts.ts';
import { codeFlowUntil, flowPhases, type FlowProgress } from '../../bench/flows.ts';
import { writeBenchKeys } from '../../bench/keys.ts';
import { median } from '../../bench/median.ts';
import { medianPhaseCosts, phaseCosts, renderPhaseTable } from '../../bench/phase-costs.ts';
import { users } from '../../bench/scenario-kit.ts';
import { kubeoidcSpec, sourceEntry } from '../../bench/servers/kubeoidc.ts';
import { launch, type RunningServer } from '../../bench/servers/launch.ts';
import { peerSpec } from '../../bench/servers/peer.ts';

describe('bench:phases arithmetic', () => {
  it('a phase costs its prefix minus the prefix before it', () => {
    assert.deepEqual(phaseCosts([100, 250, 900, 1000]), [100, 150, 650, 100]);
    assert.deepEqual(phaseCosts([100, 90]), [100, -10]);
    assert.deepEqual(phaseCosts([]), []);
  });

  it('medians', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
    assert.deepEqual(
      medianPhaseCosts(
        {
          name: 'x',
          rounds: [
            [10, 30],
            [20, 30],
            [12, 50],
          ],
        },
        2,
      ),
      [12, 20],
    );
  });

  it('renders one row per phase, the whole flow and the ratio', () => {
    const table = renderPhaseTable(
      ['a', 'b'],
      { name: 'kubeoidc', rounds: [[100, 300]] },
      { name: 'oidc-provider', rounds: [[250, 900]] },
    );
    assert.deepEqual(table.split('\n'), [
      '| phase | kubeoidc µs | oidc-provider µs | oidc-provider / kubeoidc |',
      '| --- | ---: | ---: | ---: |',
      '| a | 100 | 250 | 2.50× |',
      '| b | 200 | 650 | 3.25× |',
      '| whole flow | 300 | 900 | 3.00× |',
    ]);
  });
});

/**
 * `npm run bench:phases` cannot rot: every prefix of the code flow goes through on both real servers (kubeoidc from the
 * sources, oidc-provider), each phase adds requests, and only the whole flow yields tokens.
 */
describe('the code flow phase by phase, on both servers', () => {
  let scratch: string;
  const servers: RunningServer[] = [];
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'kubeoidc-phases-test-'));
    const keysFile = await writeBenchKeys(scratch);
    const accounts = await benchAccounts(1);
    servers.push(
      ...(await Promise.all([
        launch(kubeoidcSpec({ entry: sourceEntry, keysFile, accounts }), undefined),
        launch(peerSpec({ keysFile }), undefined),
      ])),
    );
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await rm(scratch, { recursive: true, force: true });
  });

  it('each prefix completes, each phase adds requests, the token phase yields tokens', async () => {
    const [user] = users('trivial', 1);
    assert.ok(user);
    for (const server of servers) {
      const progress: FlowProgress[] = [];
      for (const phase of flowPhases) progress.push(await codeFlowUntil(server.baseUrl, user, phase));
      const requests = progress.map((step) => step.requests);
      for (let index = 1; index < requests.length; index += 1) {
        assert.ok((requests[index] ?? 0) > (requests[index - 1] ?? 0), `${server.name}: ${requests.join(', ')}`);
      }
      assert.deepEqual(
        progress.map((step) => step.tokens !== undefined),
        [false, false, false, false, false, true],
      );
      assert.match(progress.at(-1)?.tokens?.idToken ?? '', /^[\w-]+\.[\w-]+\.[\w-]+$/);
      // kubeoidc: one request per phase (a login or consent answer goes on in the same request).
      if (server.name === 'kubeoidc') assert.deepEqual(requests, [1, 2, 3, 4, 5, 6]);
    }
  });
});
