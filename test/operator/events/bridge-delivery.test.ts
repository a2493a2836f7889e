/**
 * The event bridge's delivery guarantee against a real API server and a real Redis: every stream record becomes
 * exactly one Event or one series increment — none lost, none doubled — with three bridge replicas reading one
 * consumer group while the API server is unreachable for 10 s in the middle; a re-delivered entry is recognised by
 * the Event it already counts; entries trimmed before the operator read them are counted, and the lag is exposed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { startEventBridge, type RunningEventBridge } from '../../../operator/events/bridge.ts';
import {
  ENTRIES_ANNOTATION,
  streamEventWriter,
  type BridgedEvent,
} from '../../../operator/events/stream-event-writer.ts';
import { kubeClient, type KubeClient } from '../../../operator/kube/client.ts';
import { listObjects, resourcePath } from '../../../operator/kube/resources.ts';
import { systemClock } from '../../../operator/time.ts';
import { streamKey, toStreamFields, type EventStreamRecord } from '../../../provider/event-stream/record.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { installCrds } from '../../support/crds.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts';
import { eventually, testLog } from '../support.ts';

interface Event extends KubernetesObject {
  reason: string;
  note: string;
  regarding: { kind: string; name: string };
  series?: { count: number };
}

const issuer = 'https://delivery.example.com';

describe('event bridge delivery', { timeout: 300_000 }, () => {
  let cp: ControlPlane | undefined;
  let redis: RedisServer | undefined;
  let proxy: TcpProxy | undefined;
  let writer: Redis | undefined;
  let client: KubeClient;
  const bridges: RunningEventBridge[] = [];

  before(async () => {
    [cp, redis] = await Promise.all([startControlPlane(), startRedis()]);
    await installCrds(cp);
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(cp.server).port));
    client = kubeClient(cp.kubeConfig());
    writer = new Redis(redis.url, { lazyConnect: true });
    await writer.connect();
    for (const ns of ['outage', 'replay', 'gap']) {
      await client.request('POST', '/api/v1/namespaces', {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      });
      await client.request(
        'POST',
        resourcePath({ apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCProvider', namespace: ns }),
        {
          body: {
            apiVersion: 'kubeoidc.dev/v1alpha1',
            kind: 'OIDCProvider',
            metadata: { name: 'idp', namespace: ns },
            spec: { issuer, redis: { url: redis.url, keyPrefix: `${ns}:` } },
          },
        },
      );
    }
  });
  after(async () => {
    await Promise.all(bridges.map((bridge) => bridge.stop()));
    writer?.disconnect();
    await proxy?.stop();
    await redis?.stop();
    await cp?.stop();
  });

  /** A kubeconfig whose server is the proxy: what the bridge sees when the proxy is cut is an API server outage. */
  function proxiedKubeConfig(): KubeConfig {
    assert.ok(cp && proxy);
    const kc = cp.kubeConfig();
    const cluster = kc.getCurrentCluster();
    assert.ok(cluster);
    const proxied = new KubeConfig();
    proxied.loadFromOptions({
      clusters: [{ ...cluster, server: `https://127.0.0.1:${proxy.port}` }],
      users: kc.users,
      contexts: kc.contexts,
      currentContext: kc.currentContext,
    });
    return proxied;
  }

  function startBridge(identity: string, namespace: string, registry: Registry): RunningEventBridge {
    const kc = proxiedKubeConfig();
    const bridge = startEventBridge({
      kubeConfig: kc,
      client: kubeClient(kc),
      clock: systemClock,
      identity,
      watchNamespace: namespace,
      registry,
      log: testLog(),
      options: {
        rateLimit: { burst: 1_000_000, refillPerSecond: 0 },
        claimMinIdleMs: 2_000,
        claimIntervalMs: 500,
        blockMs: 200,
        retryBaseMs: 200,
        retryMaxMs: 2_000,
      },
    });
    bridges.push(bridge);
    return bridge;
  }

  const events = async (namespace: string): Promise<Event[]> =>
    (await listObjects<Event>(client, { apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace })).items;

  const record = (description: string): string[] => {
    const full: EventStreamRecord = {
      event: 'grant.error',
      time: new Date().toISOString(),
      issuer,
      error: 'invalid_request',
      description,
      endpoint: 'token',
    };
    return toStreamFields(full);
  };

  const addAll = async (key: string, descriptions: readonly string[]): Promise<void> => {
    assert.ok(writer);
    const pipeline = writer.pipeline();
    for (const description of descriptions) pipeline.xadd(key, '*', ...record(description));
    await pipeline.exec();
  };

  /** The group is created at `$` by a consumer's first step: a record added before would never be delivered. */
  const groupCreated = (key: string): Promise<true> =>
    eventually('the consumer group', async () => {
      const groups = (await writer?.call('XINFO', 'GROUPS', key).catch(() => [])) as unknown[];
      return groups.length === 1;
    });

  const metricValue = async (registry: Registry, name: string, labels: Record<string, string>): Promise<number> => {
    const metric = await registry.getSingleMetric(name)?.get();
    return metric?.values.find((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v))?.value ?? 0;
  };

  it('turns 1,000 records into exactly one Event or series increment each, across 3 replicas and a 10 s outage', async () => {
    const registries = [new Registry(), new Registry(), new Registry()];
    await Promise.all(registries.map((registry, i) => startBridge(`replica-${i}`, 'outage', registry).synced));
    // Even records are unique (one Event each); odd ones repeat one of five notes (a series of 100 each).
    const descriptions = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? `unique ${i}` : `repeat ${i % 10}`));
    const key = streamKey('outage:');
    await groupCreated(key);
    await addAll(key, descriptions.slice(0, 400));
    await sleep(300);
    assert.ok(proxy);
    proxy.cut();
    await addAll(key, descriptions.slice(400));
    await sleep(10_000);
    proxy.restore();

    const expected = new Map<string, number>();
    for (const description of descriptions) expected.set(description, (expected.get(description) ?? 0) + 1);
    const counted = await eventually(
      'every record counted',
      async () => {
        const all = await events('outage');
        const total = all.reduce((sum, event) => sum + (event.series?.count ?? 1), 0);
        return total >= 1000 ? all : undefined;
      },
      180_000,
    );
    await sleep(2_000); // anything still in flight would show up as a surplus now
    const settled = await events('outage');
    const byNote = new Map<string, number>();
    for (const event of settled) {
      const description = event.note.replace(/^grant\.error at token: invalid_request: /, '');
      byNote.set(description, (byNote.get(description) ?? 0) + (event.series?.count ?? 1));
    }
    assert.equal(counted.length > 0, true);
    assert.deepEqual(
      [...byNote].filter(([note, count]) => expected.get(note) !== count),
      [],
      'each note counted exactly as often as it was streamed',
    );
    assert.equal(byNote.size, expected.size, 'no note missing');
    const pending = (await writer?.xpending(key, 'kubeoidc-operator')) as [number, ...unknown[]];
    assert.equal(pending[0], 0, 'every entry acknowledged');
    const replayed = await Promise.all(
      registries.map((r) => metricValue(r, 'kubeoidc_operator_event_bridge_records_total', { result: 'replayed' })),
    );
    const written = await Promise.all(
      registries.flatMap((r) => [
        metricValue(r, 'kubeoidc_operator_event_bridge_records_total', { result: 'created' }),
        metricValue(r, 'kubeoidc_operator_event_bridge_records_total', { result: 'counted' }),
      ]),
    );
    // A write can reach the API server while its answer is lost to the outage: retried, it is a recognised replay.
    const writes = written.reduce((a, b) => a + b, 0);
    const replays = replayed.reduce((a, b) => a + b, 0);
    assert.ok(writes <= 1000 && writes + replays >= 1000, `${String(writes)} writes, ${String(replays)} replays`);
    await Promise.all(bridges.splice(0).map((bridge) => bridge.stop()));
  });

  it('recognises a re-delivered entry, also when two replicas write it at once', async () => {
    const ref = { apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCProvider', namespace: 'replay', name: 'idp' };
    const provider = await client.request<KubernetesObject>('GET', resourcePath(ref));
    const target = { ...provider, apiVersion: ref.apiVersion, kind: ref.kind };
    const event: BridgedEvent = { type: 'Warning', reason: 'InvalidGrant', action: 'GrantError', note: 'replay note' };
    const a = streamEventWriter(client, 'replica-a');
    const b = streamEventWriter(client, 'replica-b');
    const now = Date.now();
    const ids = Array.from({ length: 10 }, (_, i) => `${now}-${i}`);
    // Each entry written by both replicas concurrently, twice over (as when an entry is claimed while in flight).
    const outcomes = [];
    for (const id of ids)
      outcomes.push(...(await Promise.all([a, b, a, b].map((w) => w.write(target, event, id, () => true)))));
    assert.equal(outcomes.filter((o) => o === 'created').length, 1);
    assert.equal(outcomes.filter((o) => o === 'counted').length, 9);
    assert.equal(outcomes.filter((o) => o === 'replayed').length, 30);
    const all = await events('replay');
    assert.equal(all.length, 1, 'one Event');
    const only = all[0];
    assert.ok(only);
    assert.equal(only.series?.count, 10);
    assert.deepEqual(only.metadata?.annotations?.[ENTRIES_ANNOTATION]?.split(' ').sort(), [...ids].sort());
    // A replay is not subject to the rate limit: admit is not even asked.
    assert.equal(await a.write(target, event, ids[3] ?? '', () => assert.fail('asked')), 'replayed');
  });

  it('counts the entries trimmed before the operator read them, and exposes the lag', async () => {
    const registry = new Registry();
    const key = streamKey('gap:');
    const first = startBridge('gap-reader', 'gap', registry);
    await first.synced;
    await groupCreated(key);
    await addAll(key, ['before the gap']);
    await eventually('the first Event', async () => (await events('gap')).length === 1);
    await first.stop();
    bridges.splice(bridges.indexOf(first), 1);
    // While no operator reads, 30 more records arrive and the stream is trimmed to its newest 5.
    await addAll(
      key,
      Array.from({ length: 30 }, (_, i) => `while away ${i}`),
    );
    await writer?.xtrim(key, 'MAXLEN', 5);
    startBridge('gap-reader', 'gap', registry);
    const labels = { namespace: 'gap', name: 'idp' };
    await eventually('25 trimmed records counted', async () => {
      const trimmed = await metricValue(registry, 'kubeoidc_operator_event_bridge_trimmed_unread_total', labels);
      return trimmed === 25;
    });
    await eventually('the 5 that were left became Events', async () => (await events('gap')).length === 6);
    await eventually('lag back to 0', async () => {
      const lag = await registry.getSingleMetric('kubeoidc_operator_event_bridge_lag')?.get();
      const value = lag?.values.find((v) => v.labels.namespace === 'gap');
      return value?.value === 0;
    });
    await sleep(1_500);
    assert.equal(
      await metricValue(registry, 'kubeoidc_operator_event_bridge_trimmed_unread_total', labels),
      25,
      'counted once, not at every check',
    );
  });
});
