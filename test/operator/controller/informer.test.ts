/**
 * Informers restart after errors: an informer started before its resource exists fails its list, backs off, and
 * once the CRD is installed it lists, watches and reports objects, on a real API server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { startInformer, type RunningInformer } from '../../../operator/controller/informer.ts';
import { kubeClient } from '../../../operator/kube/client.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { installCrds } from '../../support/crds.ts';
import { applyManifest } from '../../support/kubectl.ts';
import { asApplied, oidcProvider } from '../fixtures.ts';
import { eventually } from '../support.ts';

describe('restarting informer', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let informer: RunningInformer<KubernetesObject> | undefined;

  before(async () => {
    cp = await startControlPlane();
  });
  after(async () => {
    await informer?.stop();
    await cp?.stop();
  });

  it('keeps retrying with backoff until the resource exists, then delivers changes', async () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    informer = startInformer(cp!.kubeConfig(), kubeClient(cp!.kubeConfig()), {
      ref: { apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCProvider' },
      onChange: (object, verb) => seen.push(`${verb} ${object.metadata?.name ?? ''}`),
      onError: (error) => errors.push(error),
      backoffMs: 100,
      maxBackoffMs: 400,
    });
    await eventually('a few failed attempts', () => Promise.resolve(errors.length >= 3));
    await installCrds(cp!);
    await informer.synced;
    await applyManifest(cp!, oidcProvider('watched', asApplied));
    await eventually('the add event', () => Promise.resolve(seen.includes('add watched')));
    assert.deepEqual(
      informer.list().map((object) => object.metadata?.name),
      ['watched'],
    );
  });
});
