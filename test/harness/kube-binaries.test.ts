/**
 * The control-plane harness finds its binaries in the documented order and says how to get a missing one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findKubeBinaries } from '../support/kube-binaries.ts';

/** Only the listed paths "exist". */
const only =
  (...paths: string[]) =>
  (path: string): boolean =>
    paths.includes(path);

describe('findKubeBinaries', () => {
  const home = { HOME: '/home/u', PATH: '/usr/local/bin:/usr/bin' };

  it('prefers KUBEBUILDER_ASSETS over KUBE_APISERVER/ETCD, the cache and PATH', () => {
    const env = { ...home, KUBEBUILDER_ASSETS: '/assets', KUBE_APISERVER: '/x/kube-apiserver', ETCD: '/x/etcd' };
    const exists = only('/assets/kube-apiserver', '/assets/etcd', '/x/kube-apiserver', '/x/etcd', '/usr/bin/etcd');
    assert.deepEqual(findKubeBinaries(env, exists), { kubeApiserver: '/assets/kube-apiserver', etcd: '/assets/etcd' });
  });

  it('falls back to KUBE_APISERVER and ETCD when the assets folder lacks a binary', () => {
    const env = { ...home, KUBEBUILDER_ASSETS: '/assets', KUBE_APISERVER: '/x/kube-apiserver', ETCD: '/x/etcd' };
    const exists = only('/x/kube-apiserver', '/x/etcd', '/home/u/.cache/kubeoidc/bin/kube-apiserver');
    assert.deepEqual(findKubeBinaries(env, exists), { kubeApiserver: '/x/kube-apiserver', etcd: '/x/etcd' });
  });

  it('then uses the cached build (KUBEOIDC_CACHE or ~/.cache/kubeoidc) and etcd on PATH', () => {
    const exists = only('/home/u/.cache/kubeoidc/bin/kube-apiserver', '/usr/bin/etcd', '/c/bin/kube-apiserver');
    assert.deepEqual(findKubeBinaries(home, exists), {
      kubeApiserver: '/home/u/.cache/kubeoidc/bin/kube-apiserver',
      etcd: '/usr/bin/etcd',
    });
    assert.equal(findKubeBinaries({ ...home, KUBEOIDC_CACHE: '/c' }, exists).kubeApiserver, '/c/bin/kube-apiserver');
  });

  it('names each missing binary and how to get it', () => {
    assert.throws(
      () => findKubeBinaries(home, only('/usr/bin/etcd')),
      (error: Error) =>
        error.message.includes('kube-apiserver not found') &&
        error.message.includes('scripts/build-kube-apiserver.sh') &&
        !error.message.includes('etcd not found'),
    );
    assert.throws(
      () => findKubeBinaries(home, only()),
      (error: Error) =>
        error.message.includes('kube-apiserver not found') &&
        error.message.includes('etcd not found') &&
        error.message.includes('apt-get install -y etcd-server'),
    );
  });
});
