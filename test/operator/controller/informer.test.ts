/**
 * Informers restart after errors, on a real API server: an informer started before its resource exists, or without
 * the RBAC rule to list it, keeps failing with growing delays and does not report itself synced; once the CRD is
 * installed (or the rule granted) it lists, reports synced, watches and delivers changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import { startInformer, type RunningInformer } from '../../../operator/controller/informer.ts';
import { kubeClient } from '../../../operator/kube/client.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { installCrds } from '../../support/crds.ts';
import { applyManifest } from '../../support/kubectl.ts';
import { grantClusterRules, serviceAccount } from '../../support/service-account.ts';
import { asApplied, oidcProvider } from '../fixtures.ts';
import { eventually } from '../support.ts';

const providers = { apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCProvider' };

/** Whether `promise` has settled (checked after the pending microtasks ran). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await sleep(0);
  return done;
}

describe('restarting informer', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  const informers: RunningInformer<KubernetesObject>[] = [];

  before(async () => {
    cp = await startControlPlane();
  });
  after(async () => {
    for (const informer of informers) await informer.stop();
    await cp?.stop();
  });

  it('keeps retrying with backoff until the resource exists, unsynced meanwhile, then delivers changes', async () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const informer = startInformer(cp!.kubeConfig(), kubeClient(cp!.kubeConfig()), {
      ref: providers,
      onChange: (object, verb) => seen.push(`${verb} ${object.metadata?.name ?? ''}`),
      onError: (error) => errors.push(error),
      backoffMs: 100,
      maxBackoffMs: 400,
    });
    informers.push(informer);
    await eventually('a few failed attempts', () => Promise.resolve(errors.length >= 3));
    assert.equal(await settled(informer.synced), false, 'not synced while every list fails');
    await installCrds(cp!);
    await informer.synced;
    await applyManifest(cp!, oidcProvider('watched', asApplied));
    await eventually('the add event', () => Promise.resolve(seen.includes('add watched')));
    assert.deepEqual(
      informer.list().map((object) => object.metadata?.name),
      ['watched'],
    );
  });

  it('backs off exponentially while RBAC forbids the list, and syncs once the rule is granted', async () => {
    const kc = await serviceAccount(cp!, 'informer-test', 'reader', []);
    const failures: number[] = [];
    const informer = startInformer(kc, kubeClient(kc), {
      ref: providers,
      onChange: () => undefined,
      onError: () => failures.push(performance.now()),
      backoffMs: 100,
      maxBackoffMs: 800,
    });
    informers.push(informer);
    // Delays 100, 200, 400, 800, 800 ms: six failures take at least 2.3 s; without backoff they take ~0.6 s.
    await eventually('six forbidden lists', () => Promise.resolve(failures.length >= 6), 60_000);
    const gaps = failures.slice(1, 6).map((at, i) => at - (failures[i] ?? at));
    assert.ok(
      (gaps[3] ?? 0) >= 750 && (gaps[4] ?? 0) >= 750,
      `delays grow to the maximum: ${gaps.map(Math.round).join(', ')} ms`,
    );
    assert.equal(await settled(informer.synced), false, 'not synced while RBAC forbids the list');
    await grantClusterRules(cp!, 'informer-test', 'reader', [
      { apiGroups: ['kubeoidc.dev'], resources: ['oidcproviders'], verbs: ['list', 'watch'] },
    ]);
    await informer.synced;
    assert.deepEqual(
      informer.list().map((object) => object.metadata?.name),
      ['watched'],
      'the cache holds what the list returned',
    );
  });
});
