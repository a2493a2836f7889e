import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientControllerSpec } from '../../../operator/clients/controller.ts';
import type { ClientReconcilerDeps } from '../../../operator/clients/reconciler.ts';
import { oidcProvider } from '../fixtures.ts';
import { oidcClient, withSpec } from './fixtures.ts';

/** The wiring only maps objects to keys; nothing here is called. */
const unused = {} as ClientReconcilerDeps;
const watchOf = (spec: ReturnType<typeof clientControllerSpec>, kind: string) => {
  const watch = spec.watches.find((w) => w.ref.kind === kind);
  assert.ok(watch, `no watch on ${kind}`);
  return watch;
};

describe('the OIDCClient controller wiring', () => {
  it('reconciles the clients that reference a provider when the provider changes', () => {
    const spec = clientControllerSpec(unused, undefined);
    const clients = watchOf(spec, 'OIDCClient');
    const providers = watchOf(spec, 'OIDCProvider');
    assert.deepEqual(providers.keysOf(oidcProvider('idp')), []);
    assert.deepEqual(clients.keysOf(oidcClient('a')), ['default/a']);
    assert.deepEqual(clients.keysOf(oidcClient('b')), ['default/b']);
    assert.deepEqual(clients.keysOf(oidcClient('c', withSpec({ providerRef: { name: 'other' } }))), ['default/c']);
    assert.deepEqual(providers.keysOf(oidcProvider('idp')), ['default/a', 'default/b']);
    assert.deepEqual(providers.keysOf(oidcProvider('other')), ['default/c']);
  });

  it('maps an owned Secret to its OIDCClient, and nothing else', () => {
    const secrets = watchOf(clientControllerSpec(unused, undefined), 'Secret');
    assert.equal(secrets.labelSelector, 'app.kubernetes.io/managed-by=kubeoidc-operator');
    const owned = (kind: string) => ({
      metadata: {
        namespace: 'default',
        name: 's',
        ownerReferences: [{ apiVersion: 'kubeoidc.dev/v1alpha1', kind, name: 'x', uid: 'u', controller: true }],
      },
    });
    assert.deepEqual(secrets.keysOf(owned('OIDCClient')), ['default/x']);
    assert.deepEqual(secrets.keysOf(owned('OIDCProvider')), []);
  });
});
