/**
 * Fencing, end to end on a real API server: two operators, A leading. A reaches the Lease through a loopback proxy
 * that then stalls, so A's renewal hangs (no answer, no error) while A's reconcilers still reach the API server
 * directly and keep reverting hand edits. A must stop writing before the Lease expires for B, and B takes over. Who
 * wrote what, and when, is read from the API server's own audit log (each operator sends its identity as its
 * User-Agent).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createOperatorMetrics } from '../../operator/controller/metrics.ts';
import { kubeClient, MERGE_PATCH } from '../../operator/kube/client.ts';
import { startOperator, type RunningOperator } from '../../operator/operator.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { applyManifest } from '../support/kubectl.ts';
import { kubeConfigVia, startStallingProxy, type StallingProxy } from '../support/stalling-proxy.ts';
import { eventually, sampleProvider, testLog } from './support.ts';

const timing = { leaseDurationMs: 8000, renewDeadlineMs: 4000, retryPeriodMs: 500 };
const configMapPath = '/api/v1/namespaces/default/configmaps/minimal-config';

/** The audit policy: every write, with who (user agent) and when; nothing else. */
const auditPolicy = JSON.stringify({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [{ level: 'Metadata', verbs: ['create', 'update', 'patch', 'delete'] }, { level: 'None' }],
});

interface AuditEvent {
  verb: string;
  userAgent?: string;
  requestReceivedTimestamp: string;
  objectRef?: { resource?: string; name?: string };
  responseStatus?: { code?: number };
}

describe('fencing a leader whose Lease renewal hangs', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeoidc-fencing-'));
  const auditLog = join(dir, 'audit.log');
  let cp: ControlPlane | undefined;
  let proxy: StallingProxy | undefined;
  let a: RunningOperator | undefined;
  let b: RunningOperator | undefined;
  const transitions: { who: string; what: string; at: number }[] = [];

  const operator = (identity: string, leaseServer: string) => {
    const log = testLog();
    return startOperator({
      kubeConfig: cp!.kubeConfig(),
      leaderElectionKubeConfig: kubeConfigVia(leaseServer, cp!.token),
      identity,
      leaseNamespace: 'default',
      leaseTiming: timing,
      healthPort: 0,
      healthHost: '127.0.0.1',
      metrics: createOperatorMetrics(false),
      log: {
        ...log,
        info: (message) => {
          if (/became the leader|stopped leading/.test(message))
            transitions.push({ who: identity, what: message, at: Date.now() });
        },
      },
    });
  };

  before(async () => {
    writeFileSync(join(dir, 'audit-policy.json'), auditPolicy);
    cp = await startControlPlane({
      apiServerArgs: [
        `--audit-policy-file=${join(dir, 'audit-policy.json')}`,
        `--audit-log-path=${auditLog}`,
        '--audit-log-format=json',
        '--audit-log-mode=blocking',
      ],
    });
    await installCrds(cp);
    proxy = await startStallingProxy(cp.server);
  });
  after(async () => {
    await a?.stop(false);
    await b?.stop(false);
    await proxy?.close();
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops writing before the Lease expires for the standby, which then takes over', async (t) => {
    a = await operator('operator-a', proxy!.url);
    await eventually('a leads', () => Promise.resolve(a!.isLeader()));
    b = await operator('operator-b', cp!.server);
    await applyManifest(cp!, sampleProvider('oidcprovider-minimal.yaml'));
    const admin = kubeClient(cp!.kubeConfig(), { userAgent: 'test-hand-edits' });
    await eventually('the ConfigMap', () => admin.request('GET', configMapPath).catch(() => undefined));

    // Hand edits every 250 ms: the leader reverts each one (a server-side apply), so it writes all the time.
    const editing = { on: true };
    const edits = (async () => {
      for (let i = 0; editing.on; i++) {
        await admin
          .request('PATCH', configMapPath, {
            contentType: MERGE_PATCH,
            body: { data: { 'config.yaml': `hand edit ${i}` } },
          })
          .catch(() => undefined);
        await sleep(250);
      }
    })();
    await sleep(2000);
    const stalledAt = Date.now();
    proxy!.stall();
    await eventually('b leads', () => Promise.resolve(b!.isLeader()), 30_000);
    // B reverts edits too once its caches are warm (slow on a loaded machine: wait for it, not for a fixed time).
    await eventually('b reconciles', async () =>
      (await b!.metrics.reconcileTotal.get()).values.some((v) => v.labels.result === 'success' && v.value > 0),
    );
    await sleep(1000);
    editing.on = false;
    await edits;

    const events = readFileSync(auditLog, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditEvent)
      .filter((event) => (event.responseStatus?.code ?? 0) < 400);
    const at = (event: AuditEvent) => Date.parse(event.requestReceivedTimestamp);
    const by = (who: string) => events.filter((event) => event.userAgent === `kubeoidc-operator/${who}`);
    const isLease = (event: AuditEvent) => event.objectRef?.resource === 'leases';
    const aWrites = by('operator-a').filter((event) => !isLease(event));
    const aRenewals = by('operator-a').filter(isLease);
    const bWrites = by('operator-b').filter((event) => !isLease(event));

    // The last renewal of A that reached the server: B cannot count the lease from any earlier moment.
    const lastRenewal = Math.max(...aRenewals.map(at));
    const expiresForOthers = lastRenewal + timing.leaseDurationMs;
    const lastWrite = Math.max(...aWrites.map(at));
    assert.ok(
      aWrites.some((event) => at(event) > stalledAt - 1000),
      'A was writing up to the stall',
    );
    assert.ok(
      lastWrite < expiresForOthers,
      `A wrote ${lastWrite - expiresForOthers} ms after its Lease expired for others`,
    );
    const firstOfB = Math.min(...bWrites.map(at));
    t.diagnostic(
      `A: ${aWrites.length} writes, the last ${lastWrite - lastRenewal} ms after its last renewal reached the server ` +
        `(lease ${timing.leaseDurationMs} ms, renew deadline ${timing.renewDeadlineMs} ms); B's first write ` +
        `${firstOfB - lastRenewal} ms after it; B: ${bWrites.length} writes`,
    );
    assert.ok(bWrites.length > 0, 'B reconciles after taking over');
    assert.ok(lastWrite < firstOfB, 'A and B never both write');
    const aStopped = transitions.find((t) => t.who === 'operator-a' && t.what.includes('stopped leading'));
    assert.ok(aStopped !== undefined && aStopped.at < expiresForOthers, 'A stepped down before the Lease expired');
    assert.equal(a.isLeader(), false);
  });
});
