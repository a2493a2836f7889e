/**
 * The control-plane harness finds its binaries in the documented order, never takes an older recipe's cache for the
 * current one, and says how to get a missing binary.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { findControllerBinaries, findKubeBinaries, KUBE_BUILD } from '../support/kube-binaries.ts';

/** Only the listed paths "exist". */
const only =
  (...paths: string[]) =>
  (path: string): boolean =>
    paths.includes(path);

const home = { HOME: '/home/u', PATH: '/usr/local/bin:/usr/bin' };
const cached = (name: string): string => `/home/u/.cache/kubeoidc/bin/${KUBE_BUILD}/${name}`;

describe('findKubeBinaries', () => {
  it('prefers KUBEBUILDER_ASSETS over KUBE_APISERVER/ETCD, the cache and PATH', () => {
    const env = { ...home, KUBEBUILDER_ASSETS: '/assets', KUBE_APISERVER: '/x/kube-apiserver', ETCD: '/x/etcd' };
    const exists = only('/assets/kube-apiserver', '/assets/etcd', '/x/kube-apiserver', '/x/etcd', '/usr/bin/etcd');
    assert.deepEqual(findKubeBinaries(env, exists), { kubeApiserver: '/assets/kube-apiserver', etcd: '/assets/etcd' });
  });

  it('falls back to KUBE_APISERVER and ETCD when the assets folder lacks a binary', () => {
    const env = { ...home, KUBEBUILDER_ASSETS: '/assets', KUBE_APISERVER: '/x/kube-apiserver', ETCD: '/x/etcd' };
    const exists = only('/x/kube-apiserver', '/x/etcd', cached('kube-apiserver'));
    assert.deepEqual(findKubeBinaries(env, exists), { kubeApiserver: '/x/kube-apiserver', etcd: '/x/etcd' });
  });

  it('then uses the cached build (KUBEOIDC_CACHE or ~/.cache/kubeoidc) and etcd on PATH', () => {
    const exists = only(cached('kube-apiserver'), '/usr/bin/etcd', `/c/bin/${KUBE_BUILD}/kube-apiserver`);
    assert.deepEqual(findKubeBinaries(home, exists), {
      kubeApiserver: cached('kube-apiserver'),
      etcd: '/usr/bin/etcd',
    });
    assert.equal(
      findKubeBinaries({ ...home, KUBEOIDC_CACHE: '/c' }, exists).kubeApiserver,
      `/c/bin/${KUBE_BUILD}/kube-apiserver`,
    );
  });

  it('ignores the unstamped apiserver an older recipe cached at bin/kube-apiserver', () => {
    assert.throws(
      () => findKubeBinaries(home, only('/home/u/.cache/kubeoidc/bin/kube-apiserver', '/usr/bin/etcd')),
      /kube-apiserver not found/,
    );
  });

  it('names each missing binary and how to get it', () => {
    assert.throws(
      () => findKubeBinaries(home, only('/usr/bin/etcd')),
      (error: Error) =>
        error.message.includes('kube-apiserver not found') &&
        error.message.includes('scripts/build-kube.sh') &&
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

describe('findControllerBinaries', () => {
  it('looks in KUBEBUILDER_ASSETS, then KUBE_CONTROLLER_MANAGER / KUBE_SCHEDULER, then the cached build', () => {
    const env = {
      ...home,
      KUBEBUILDER_ASSETS: '/assets',
      KUBE_CONTROLLER_MANAGER: '/x/kcm',
      KUBE_SCHEDULER: '/x/ks',
    };
    const all = ['/assets/kube-controller-manager', '/x/kcm', cached('kube-controller-manager')];
    const allScheduler = ['/assets/kube-scheduler', '/x/ks', cached('kube-scheduler')];
    assert.deepEqual(findControllerBinaries(env, only(...all, ...allScheduler)), {
      kubeControllerManager: '/assets/kube-controller-manager',
      kubeScheduler: '/assets/kube-scheduler',
    });
    assert.deepEqual(findControllerBinaries(env, only(...all.slice(1), ...allScheduler.slice(1))), {
      kubeControllerManager: '/x/kcm',
      kubeScheduler: '/x/ks',
    });
    assert.deepEqual(findControllerBinaries(home, only(...all, ...allScheduler)), {
      kubeControllerManager: cached('kube-controller-manager'),
      kubeScheduler: cached('kube-scheduler'),
    });
  });

  it('names each missing binary and the build script', () => {
    assert.throws(
      () => findControllerBinaries(home, only(cached('kube-scheduler'))),
      (error: Error) =>
        error.message.includes('kube-controller-manager not found') &&
        error.message.includes('scripts/build-kube.sh') &&
        !error.message.includes('kube-scheduler not found'),
    );
    assert.throws(
      () => findControllerBinaries(home, only()),
      /kube-controller-manager not found[^]*kube-scheduler not found/,
    );
  });
});

describe('KUBE_BUILD', () => {
  it('is the folder scripts/build-kube.sh builds into (its VERSION and REVISION)', () => {
    const script = readFileSync(new URL('../../scripts/build-kube.sh', import.meta.url), 'utf8');
    const version = /^VERSION=(\S+)$/m.exec(script)?.[1];
    const revision = /^REVISION=(\S+)$/m.exec(script)?.[1];
    assert.equal(KUBE_BUILD, `k8s-${version ?? '?'}-${revision ?? '?'}`);
  });
});
