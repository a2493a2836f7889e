/**
 * Lease-based leader election in-process, with short timings, on a real API server: one leader at a time, a leader
 * that can no longer renew steps down after the renew deadline (also when its renewal hangs), a released Lease is
 * taken over at once, and timing that breaks `leaseDuration > renewDeadline > retryPeriod` is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaderElector } from '../../../operator/controller/leader-election.ts';
import { validateLeaseTiming } from '../../../operator/controller/lease-timing.ts';
import { isConflict, kubeClient, type KubeClient } from '../../../operator/kube/client.ts';
import { systemClock } from '../../../operator/time.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { kubeConfigVia, startStallingProxy, type StallingProxy } from '../../support/stalling-proxy.ts';
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

describe('LeaderElector timing rules', () => {
  it('refuses leaseDuration <= renewDeadline and renewDeadline <= retryPeriod, naming the options', () => {
    const elector = (timing: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number }) => () =>
      new LeaderElector({
        client: { request: () => Promise.reject(new Error('not used')) },
        clock: systemClock,
        namespace: 'default',
        name: 'x',
        identity: 'x',
        timing,
        onStartedLeading: () => undefined,
        onStoppedLeading: () => undefined,
      });
    assert.throws(elector({ leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 }), {
      message: /leaseDurationMs \(10000 ms\) must be greater than renewDeadlineMs \(10000 ms\)/,
    });
    assert.throws(elector({ leaseDurationMs: 15_000, renewDeadlineMs: 2000, retryPeriodMs: 2000 }), {
      message: /renewDeadlineMs \(2000 ms\) must be greater than retryPeriodMs \(2000 ms\)/,
    });
    assert.throws(
      () => {
        validateLeaseTiming(
          { leaseDurationMs: 5000, renewDeadlineMs: 8000, retryPeriodMs: 0 },
          { leaseDurationMs: 'LEASE', renewDeadlineMs: 'RENEW', retryPeriodMs: 'RETRY' },
        );
      },
      { message: /RETRY must be positive; LEASE \(5000 ms\) must be greater than RENEW \(8000 ms\)/ },
    );
    assert.doesNotThrow(elector({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 }));
  });
});

describe('LeaderElector with a renewal that hangs', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let proxy: StallingProxy | undefined;
  let elector: LeaderElector | undefined;
  // A wide gap between the renew deadline and the lease, so the assertion below has room on a loaded machine.
  const hangTiming = { leaseDurationMs: 8000, renewDeadlineMs: 3000, retryPeriodMs: 250 };
  const path = '/apis/coordination.k8s.io/v1/namespaces/default/leases/hang-test';

  before(async () => {
    cp = await startControlPlane();
    proxy = await startStallingProxy(cp.server);
  });
  after(async () => {
    await elector?.stop(false);
    await proxy?.close();
    await cp?.stop();
  });

  it('steps down at the renew deadline, before the Lease expires for anyone else', async () => {
    let stoppedAt: number | undefined;
    // The renewTime of the last write whose answer reached the elector. The proxy may swallow the answer of a renewal
    // the server already applied, so the Lease can hold a newer renewTime than the elector ever saw succeed; the
    // elector rightly counts its deadline from the last renewal it knows succeeded.
    let lastAcknowledged = 0;
    const through = kubeClient(kubeConfigVia(proxy!.url, cp!.token));
    const client: KubeClient = {
      request: async <T>(...[method, path, options]: Parameters<KubeClient['request']>): Promise<T> => {
        const answer = await through.request<T>(method, path, options);
        const body = options?.body as { spec?: { renewTime?: string } } | undefined;
        if (method !== 'GET' && body?.spec?.renewTime !== undefined) {
          lastAcknowledged = Math.max(lastAcknowledged, Date.parse(body.spec.renewTime));
        }
        return answer;
      },
    };
    elector = new LeaderElector({
      client,
      clock: systemClock,
      namespace: 'default',
      name: 'hang-test',
      identity: 'hanging',
      timing: hangTiming,
      onStartedLeading: () => undefined,
      onStoppedLeading: () => {
        stoppedAt = Date.now();
      },
    });
    elector.start();
    await eventually('leading', () => Promise.resolve(elector?.isLeader === true));
    await sleep(1000); // a few renewals
    proxy!.stall(); // from now on every renewal hangs: no answer, no error
    await eventually('stepped down', () => Promise.resolve(stoppedAt !== undefined), 20_000);
    // What another candidate sees: the last renewal that reached the server. It counts the lease from when it saw
    // that renewal, which is no earlier than the renewTime written in it.
    const lease = await kubeClient(cp!.kubeConfig()).request<{ spec: { renewTime: string } }>('GET', path);
    const expiresForOthers = Date.parse(lease.spec.renewTime) + hangTiming.leaseDurationMs;
    assert.ok(
      stoppedAt! < expiresForOthers,
      `stepped down ${stoppedAt! - expiresForOthers} ms after the Lease expired for others`,
    );
    assert.ok(lastAcknowledged > 0 && lastAcknowledged <= Date.parse(lease.spec.renewTime));
    // Not before the deadline counted from the last renewal the elector saw succeed (timers may fire a ms early).
    assert.ok(
      stoppedAt! >= lastAcknowledged + hangTiming.renewDeadlineMs - 2,
      `stepped down ${lastAcknowledged + hangTiming.renewDeadlineMs - stoppedAt!} ms before the deadline`,
    );
  });
});
