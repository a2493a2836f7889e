/**
 * Lease-based leader election in-process, with short timings, on a real API server: one leader at a time, a leader
 * that can no longer renew steps down after the renew deadline, and a released Lease is taken over at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaderElector } from '../../../operator/controller/leader-election.ts';
import { isConflict, kubeClient, type KubeClient } from '../../../operator/kube/client.ts';
import { systemClock } from '../../../operator/time.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { eventually } from '../support.ts';

// Short, but with room for a loaded machine: a renewal only fails after three seconds of trying.
const timing = { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 250 };
const leasePath = '/apis/coordination.k8s.io/v1/namespaces/default/leases/election-test';

describe('LeaderElector', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let client: KubeClient;
  const transitions: string[] = [];
  const electors = new Map<string, LeaderElector>();

  before(async () => {
    cp = await startControlPlane();
    client = kubeClient(cp.kubeConfig());
    for (const identity of ['a', 'b']) {
      electors.set(
        identity,
        new LeaderElector({
          client,
          clock: systemClock,
          namespace: 'default',
          name: 'election-test',
          identity,
          timing,
          onStartedLeading: () => transitions.push(`+${identity}`),
          onStoppedLeading: () => transitions.push(`-${identity}`),
        }),
      );
    }
  });
  after(async () => {
    for (const elector of electors.values()) await elector.stop(false);
    await cp?.stop();
  });

  const leaders = () => [...electors.entries()].filter(([, e]) => e.isLeader).map(([id]) => id);

  it('elects exactly one leader', async () => {
    for (const elector of electors.values()) elector.start();
    await eventually('a leader', () => Promise.resolve(leaders().length === 1));
    await sleep(1000);
    assert.equal(leaders().length, 1, 'still one leader after several renewals');
    assert.equal(transitions.length, 1);
  });

  it('steps down when it cannot renew for the renew deadline, and leadership is taken again after expiry', async () => {
    const [first] = leaders();
    // Another holder takes the Lease (as after a partition): the leader's renewals are refused from now on. The
    // leader renews every 250 ms, so the write may lose a race (409): try again.
    await eventually('the Lease taken by another holder', async () => {
      const lease = await client.request<{ spec: Record<string, unknown> }>('GET', leasePath);
      const renewTime = new Date().toISOString().replace('Z', '000Z');
      try {
        await client.request('PUT', leasePath, {
          body: { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder', renewTime } },
        });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    });
    await eventually('the leader steps down', () => Promise.resolve(leaders().length === 0), 8000);
    assert.ok(transitions.includes(`-${first}`));
    // The intruder never renews: after the lease duration one candidate takes over.
    await eventually('a new leader', () => Promise.resolve(leaders().length === 1), 10_000);
  });

  it('hands over at once when the leader releases the Lease', async () => {
    const [leader] = leaders();
    const other = leader === 'a' ? 'b' : 'a';
    const releasedAt = Date.now();
    await electors.get(leader)?.stop();
    await eventually(`${other} leads`, () => Promise.resolve(electors.get(other)?.isLeader === true), 5000);
    assert.ok(Date.now() - releasedAt < timing.leaseDurationMs, 'faster than waiting out the lease');
  });
});
