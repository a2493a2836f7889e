/**
 * Which OIDCClients get a metric label (pure): opted in, registered, of this provider, not being deleted, oldest first
 * up to `spec.metrics.maxClientLabels`; the rendered provider configuration carries exactly that list; a client's
 * MetricLabel condition says where it stands.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateClientStatus, type ClientStatusInputs } from '../../../operator/clients/status.ts';
import type { OIDCClient } from '../../../operator/kube/crds.ts';
import { maxClientLabels, selectMetricLabels } from '../../../operator/providers/metric-labels.ts';
import { renderProviderConfig } from '../../../operator/providers/render/provider-config.ts';
import { oidcClient, withSpec as withClientSpec, type ClientMod } from '../clients/fixtures.ts';
import { oidcProvider, withSpec } from '../fixtures.ts';

const labelled: ClientMod = withClientSpec({ metrics: { label: true } });
const created =
  (at: string): ClientMod =>
  (client) => {
    client.metadata.creationTimestamp = at as unknown as Date; // as read from the API: an RFC 3339 string
  };
const registeredAs =
  (clientId: string): ClientMod =>
  (client) => {
    client.status = { clientId };
  };
const T = (second: number) => `2026-12-01T10:00:${String(second).padStart(2, '0')}Z`;

describe('selectMetricLabels', () => {
  const provider = oidcProvider('idp', withSpec({ metrics: { maxClientLabels: 2 } }));

  it('grants the oldest opted-in clients up to the limit, names breaking ties; the rest are over the limit', () => {
    const clients = [
      oidcClient('newest', labelled, created(T(9)), registeredAs('newest-app')),
      oidcClient('b-second', labelled, created(T(1)), registeredAs('b-app')),
      oidcClient('a-second', labelled, created(T(1)), registeredAs('a-app')),
      oidcClient('first', labelled, created(T(0)), registeredAs('first-app')),
    ];
    const selection = selectMetricLabels(provider, clients);
    assert.deepEqual(selection.clientIds, ['first-app', 'a-app']);
    assert.deepEqual(selection.overLimit, ['b-second', 'newest']);
    assert.equal(selection.max, 2);
    // The order of the list read from the API does not matter.
    assert.deepEqual(selectMetricLabels(provider, [...clients].reverse()), selection);
  });

  it('keeps the place of an older client that is not registered yet, without a value until it is', () => {
    const clients = [
      oidcClient('late', labelled, created(T(0))),
      oidcClient('early', labelled, created(T(1)), registeredAs('early-app')),
      oidcClient('newer', labelled, created(T(2)), registeredAs('newer-app')),
    ];
    assert.deepEqual(selectMetricLabels(provider, clients), { clientIds: ['early-app'], overLimit: ['newer'], max: 2 });
    clients[0] = oidcClient('late', labelled, created(T(0)), registeredAs('late-app'));
    assert.deepEqual(selectMetricLabels(provider, clients), {
      clientIds: ['late-app', 'early-app'],
      overLimit: ['newer'],
      max: 2,
    });
  });

  it('ignores clients that did not opt in, are being deleted or belong to another provider', () => {
    const selection = selectMetricLabels(provider, [
      oidcClient('plain', created(T(0)), registeredAs('plain-app')),
      oidcClient('off', withClientSpec({ metrics: { label: false } }), created(T(0)), registeredAs('off-app')),
      oidcClient('leaving', labelled, created(T(0)), registeredAs('leaving-app'), (client) => {
        client.metadata.deletionTimestamp = T(5) as unknown as Date;
      }),
      oidcClient('elsewhere', labelled, created(T(0)), registeredAs('elsewhere-app'), (client) => {
        client.spec.providerRef = { name: 'other-idp' };
      }),
      oidcClient('foreign-ns', labelled, created(T(0)), registeredAs('foreign-app'), (client) => {
        client.metadata.namespace = 'team-b';
      }),
      oidcClient('mine', labelled, created(T(3)), registeredAs('mine-app')),
    ]);
    assert.deepEqual(selection, { clientIds: ['mine-app'], overLimit: [], max: 2 });
  });

  it('defaults to 50 labels and grants none with maxClientLabels 0', () => {
    const many: OIDCClient[] = Array.from({ length: 60 }, (_, i) =>
      oidcClient(`c${String(i).padStart(2, '0')}`, labelled, created(T(0)), registeredAs(`app-${String(i)}`)),
    );
    const byDefault = selectMetricLabels(oidcProvider('idp'), many);
    assert.equal(maxClientLabels(oidcProvider('idp')), 50);
    assert.equal(byDefault.clientIds.length, 50);
    assert.equal(byDefault.overLimit.length, 10);
    const none = selectMetricLabels(oidcProvider('idp', withSpec({ metrics: { maxClientLabels: 0 } })), many);
    assert.deepEqual(none.clientIds, []);
    assert.equal(none.overLimit.length, 60);
  });

  it('renders the granted client ids as the provider option metricsClientAllowlist, in order', () => {
    assert.deepEqual(renderProviderConfig(provider).metricsClientAllowlist, []);
    const config = renderProviderConfig(provider, undefined, ['first-app', 'a-app']);
    assert.deepEqual(config.metricsClientAllowlist, ['first-app', 'a-app']);
  });
});

describe('the MetricLabel condition', () => {
  const inputs = (client: OIDCClient, changes: Partial<ClientStatusInputs> = {}): ClientStatusInputs => ({
    client,
    registration: { state: 'registered', clientId: 'app' },
    secret: { state: 'synced' },
    secretName: 'c',
    now: Date.parse(T(0)),
    ...changes,
  });
  const condition = (input: ClientStatusInputs) =>
    evaluateClientStatus(input).conditions?.find((c) => c.type === 'MetricLabel');

  it('says labelled, over the limit (still Ready), or waiting for a client id; absent without the opt-in', () => {
    const client = oidcClient('c', labelled);
    assert.equal(
      condition(inputs(client, { metricLabel: { state: 'labelled', clientId: 'app', provider: 'idp' } }))?.reason,
      'MetricLabelled',
    );
    const over = evaluateClientStatus(inputs(client, { metricLabel: { state: 'overLimit', provider: 'idp', max: 3 } }));
    const limit = over.conditions?.find((c) => c.type === 'MetricLabel');
    assert.ok(limit);
    assert.equal(limit.status, 'False');
    assert.equal(limit.reason, 'MetricLabelLimitReached');
    assert.match(limit.message, /OIDCProvider idp grants 3 client label\(s\)/);
    assert.equal(over.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(condition(inputs(client))?.reason, 'WaitingForRegistration');
    assert.equal(
      condition(inputs(oidcClient('plain'), { metricLabel: { state: 'labelled', clientId: 'app', provider: 'idp' } })),
      undefined,
    );
  });

  it('keeps the previous value when a reconcile did not get as far as the provider', () => {
    const before = oidcClient('c', labelled);
    before.status = evaluateClientStatus(
      inputs(before, { metricLabel: { state: 'overLimit', provider: 'idp', max: 1 } }),
    );
    const failed = inputs(before, {
      registration: { state: 'failed', reason: 'ProviderUnavailable', message: 'down' },
      secret: undefined,
      recordedClientId: 'app',
      now: Date.parse(T(30)),
    });
    const kept = condition(failed);
    assert.ok(kept);
    assert.equal(kept.reason, 'MetricLabelLimitReached');
    assert.equal(kept.lastTransitionTime, '2026-12-01T10:00:00Z');
  });
});
