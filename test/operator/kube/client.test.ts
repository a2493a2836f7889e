/**
 * Every Kubernetes API request has a deadline and honours an AbortSignal, against a real API server behind a loopback
 * proxy that stalls: a hanging request fails at its deadline (not at a 30 s socket timeout), an aborted one at once,
 * and a fenced client sends nothing once its signal fired.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fencedClient, isNotFound, KubeRequestAborted, kubeClient } from '../../../operator/kube/client.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { kubeConfigVia, startStallingProxy, type StallingProxy } from '../../support/stalling-proxy.ts';

const namespaces = '/api/v1/namespaces';

const isAbort = (kind: 'timeout' | 'aborted') => (error: unknown) =>
  error instanceof KubeRequestAborted && error.kind === kind;

describe('kube client deadlines and cancellation', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let proxy: StallingProxy | undefined;

  before(async () => {
    cp = await startControlPlane();
    proxy = await startStallingProxy(cp.server);
  });
  after(async () => {
    await proxy?.close();
    await cp?.stop();
  });

  it('answers through the proxy until it stalls', async () => {
    const client = kubeClient(kubeConfigVia(proxy!.url, cp!.token));
    const list = await client.request<{ kind: string }>('GET', namespaces);
    assert.equal(list.kind, 'NamespaceList');
  });

  it('fails a hanging request at its deadline, and an aborted one when aborted', async () => {
    proxy!.stall();
    const client = kubeClient(kubeConfigVia(proxy!.url, cp!.token), { timeoutMs: 500 });
    const started = performance.now();
    await assert.rejects(client.request('GET', namespaces), isAbort('timeout'));
    // A timer never fires early: the lower bound holds however loaded the machine is.
    assert.ok(performance.now() - started >= 450, 'not before its deadline');

    const controller = new AbortController();
    const pending = client.request('GET', namespaces, { signal: controller.signal, timeoutMs: 60_000 });
    setTimeout(() => {
      controller.abort();
    }, 100);
    await assert.rejects(pending, isAbort('aborted'));
  });

  it('cuts a fenced request in flight and sends nothing once the fence is up', async () => {
    const term = new AbortController();
    const stalled = fencedClient(kubeClient(kubeConfigVia(proxy!.url, cp!.token)), term.signal);
    const inFlight = stalled.request('GET', namespaces);
    await sleep(200); // on the wire: the stalled proxy holds it
    const direct = kubeClient(cp!.kubeConfig());
    const fenced = fencedClient(direct, term.signal);
    term.abort();
    await assert.rejects(inFlight, isAbort('aborted'));
    const body = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'written-after-the-fence' } };
    await assert.rejects(fenced.request('POST', namespaces, { body }), isAbort('aborted'));
    await assert.rejects(direct.request('GET', `${namespaces}/written-after-the-fence`), (error: unknown) =>
      isNotFound(error),
    );
  });
});
