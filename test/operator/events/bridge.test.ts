/**
 * The operator's side of the event bridge against a real API server and a real Redis: stream records become Events
 * on the right OIDCClient or OIDCProvider; repeats fold into a series; a flood beyond the per-object rate limit is
 * dropped and counted; two replicas in the consumer group never duplicate an Event; entries a dead consumer read
 * but never acknowledged are claimed; and the operator runs the bridge only while it leads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { startEventBridge, type RunningEventBridge } from '../../../operator/events/bridge.ts';
import { CONSUMER_GROUP } from '../../../operator/events/consumer.ts';
import { MERGE_PATCH, kubeClient, type KubeClient } from '../../../operator/kube/client.ts';
import { listObjects, resourcePath } from '../../../operator/kube/resources.ts';
import { startOperator, type RunningOperator } from '../../../operator/operator.ts';
import { systemClock } from '../../../operator/time.ts';
import { streamKey, toStreamFields, type EventStreamRecord } from '../../../provider/event-stream/record.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { installCrds } from '../../support/crds.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { eventually, testLog } from '../support.ts';

interface Event extends KubernetesObject {
  reason: string;
  action: string;
  type: string;
  note: string;
  regarding: { kind: string; name: string };
  series?: { count: number };
}

const ns = 'default';
const issuer = 'https://idp.example.com';
const key = streamKey('bridge:');

describe('event bridge (operator side)', { timeout: 240_000 }, () => {
  let cp: ControlPlane | undefined;
  let redis: RedisServer | undefined;
  let writer: Redis | undefined;
  let client: KubeClient;
  const bridges: RunningEventBridge[] = [];
  let operator: RunningOperator | undefined;
  let standby: RunningOperator | undefined;
  const log = testLog();
  const registry = new Registry();

  before(async () => {
    [cp, redis] = await Promise.all([startControlPlane(), startRedis()]);
    await installCrds(cp);
    client = kubeClient(cp.kubeConfig());
    writer = new Redis(redis.url, { lazyConnect: true });
    await writer.connect();
    // The Redis URL comes from a Secret, as with `spec.redis.secretRef` in production.
    await client.request('POST', resourcePath({ apiVersion: 'v1', kind: 'Secret', namespace: ns }), {
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'idp-redis', namespace: ns },
        stringData: { url: redis.url },
      },
    });
    await client.request(
      'POST',
      resourcePath({ apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCProvider', namespace: ns }),
      {
        body: {
          apiVersion: 'kubeoidc.dev/v1alpha1',
          kind: 'OIDCProvider',
          metadata: { name: 'idp', namespace: ns },
          spec: { issuer, redis: { secretRef: { name: 'idp-redis', key: 'url' }, keyPrefix: 'bridge:' } },
        },
      },
    );
    for (const name of ['app', 'flood', 'pair']) await createClient(name, `${name}-client-id`);
  });
  after(async () => {
    await standby?.stop();
    await operator?.stop();
    await Promise.all(bridges.map((bridge) => bridge.stop()));
    writer?.disconnect();
    await redis?.stop();
    await cp?.stop();
  });

  async function createClient(name: string, clientId: string): Promise<void> {
    const ref = { apiVersion: 'kubeoidc.dev/v1alpha1', kind: 'OIDCClient', namespace: ns };
    await client.request('POST', resourcePath(ref), {
      body: {
        ...ref,
        metadata: { name, namespace: ns },
        spec: { providerRef: { name: 'idp' }, grantTypes: ['client_credentials'] },
      },
    });
    await client.request('PATCH', resourcePath({ ...ref, name }, 'status'), {
      contentType: MERGE_PATCH,
      body: { status: { clientId } },
    });
  }

  function startBridge(identity: string, metrics = registry): RunningEventBridge {
    assert.ok(cp);
    const bridge = startEventBridge({
      kubeConfig: cp.kubeConfig(),
      client,
      clock: systemClock,
      identity,
      registry: metrics,
      log,
      options: {
        rateLimit: { burst: 60, refillPerSecond: 0 },
        claimMinIdleMs: 300,
        claimIntervalMs: 200,
        blockMs: 200,
        retryBaseMs: 100,
      },
    });
    bridges.push(bridge);
    return bridge;
  }

  const redisClient = (): Redis => {
    assert.ok(writer);
    return writer;
  };
  const add = async (record: Partial<EventStreamRecord>): Promise<void> => {
    const full: EventStreamRecord = { event: 'grant.error', time: new Date().toISOString(), issuer, ...record };
    await redisClient().xadd(key, '*', ...toStreamFields(full));
  };
  const events = async (name: string): Promise<Event[]> =>
    (await listObjects<Event>(client, { apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns })).items.filter(
      (event) => event.regarding.name === name,
    );
  const dropped = async (metrics: Registry, reason: string): Promise<number> => {
    const metric = await metrics.getSingleMetric('kubeoidc_operator_event_bridge_dropped_total')?.get();
    return metric?.values.find((value) => value.labels.reason === reason)?.value ?? 0;
  };

  it('claims the entries a dead consumer read but never acknowledged', async () => {
    await redisClient().xgroup('CREATE', key, CONSUMER_GROUP, '$', 'MKSTREAM');
    await add({ clientId: 'app-client-id', error: 'invalid_scope', description: 'claimed entry' });
    const read = (await redisClient().call('XREADGROUP', 'GROUP', CONSUMER_GROUP, 'dead-pod', 'STREAMS', key, '>')) as [
      string,
      unknown[],
    ][];
    assert.equal(read[0]?.[1].length, 1, 'the dead consumer holds the entry');
    await startBridge('replica-a').synced;
    const claimed = await eventually('the claimed entry as an Event', async () =>
      (await events('app')).find((event) => event.note.includes('claimed entry')),
    );
    assert.equal(claimed.reason, 'InvalidScope');
    const pending = (await redisClient().xpending(key, CONSUMER_GROUP)) as [number, ...unknown[]];
    assert.equal(pending[0], 0, 'acknowledged after the Event was written');
  });

  it('writes Events on the OIDCClient of the client id, else on the OIDCProvider', async () => {
    await add({
      clientId: 'app-client-id',
      error: 'invalid_grant',
      description: 'grant request is invalid',
      endpoint: 'token',
    });
    await add({ event: 'server_error', error: 'server_error', endpoint: 'userinfo' });
    await add({
      event: 'grant.revoked',
      clientId: 'unmanaged',
      error: 'invalid_grant',
      grantType: 'refresh_token',
      endpoint: 'token',
    });
    await add({ issuer: 'https://someone-else.example.com', error: 'invalid_client' });
    const onClient = await eventually('the Event on OIDCClient app', async () =>
      (await events('app')).find((event) => event.reason === 'InvalidGrant'),
    );
    assert.equal(onClient.type, 'Warning');
    assert.equal(onClient.action, 'GrantError');
    assert.equal(onClient.regarding.kind, 'OIDCClient');
    assert.equal(onClient.note, 'grant.error at token: invalid_grant: grant request is invalid (client app-client-id)');
    const onProvider = await eventually('two Events on OIDCProvider idp', async () => {
      const all = await events('idp');
      return all.length >= 2 ? all : undefined;
    });
    assert.deepEqual(onProvider.map((event) => `${event.type} ${event.reason} ${event.action}`).sort(), [
      'Warning GrantRevoked GrantRevoked',
      'Warning ServerError ServerError',
    ]);
    assert.ok(onProvider.every((event) => event.regarding.kind === 'OIDCProvider'));
    assert.match(onProvider.find((e) => e.reason === 'GrantRevoked')?.note ?? '', /refresh_token was presented again/);
    await eventually('the foreign record counted', async () => (await dropped(registry, 'foreign_issuer')) === 1);
  });

  it('folds 50 repeats into one Event with a series count', async () => {
    for (let i = 0; i < 50; i++)
      await add({ clientId: 'app-client-id', error: 'unauthorized_client', endpoint: 'token' });
    const series = await eventually('a series of 50', async () => {
      const all = (await events('app')).filter((event) => event.reason === 'UnauthorizedClient');
      return all.length === 1 && all[0]?.series?.count === 50 ? all : undefined;
    });
    assert.equal(series.length, 1, 'one Event object, not 50');
  });

  it('drops and counts a flood beyond the per-object rate limit', async () => {
    const before = await dropped(registry, 'rate_limited');
    for (let i = 0; i < 100; i++)
      await add({ clientId: 'flood-client-id', error: 'invalid_client', endpoint: 'token' });
    await eventually('40 drops counted', async () => (await dropped(registry, 'rate_limited')) - before === 40);
    const flood = await events('flood');
    assert.equal(flood.length, 1);
    assert.equal(flood[0]?.series?.count, 60, 'the burst of 60 was recorded, the rest dropped');
    // The limit is per object AND reason: the flood of InvalidClient does not suppress another kind on that client.
    await add({ event: 'server_error', clientId: 'flood-client-id', error: 'server_error', endpoint: 'token' });
    await eventually('the ServerError on the flooded client', async () =>
      (await events('flood')).find((event) => event.reason === 'ServerError'),
    );
  });

  it('does not duplicate Events when a second replica reads the same group', async () => {
    await startBridge('replica-b', new Registry()).synced;
    for (let i = 0; i < 20; i++)
      await add({ clientId: 'pair-client-id', error: 'invalid_request', description: `request ${i}` });
    const pair = await eventually('20 Events', async () => {
      const all = await events('pair');
      return all.length >= 20 ? all : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const settled = await events('pair');
    assert.equal(settled.length, 20, 'each record once');
    assert.equal(new Set(pair.map((event) => event.note)).size, 20);
    assert.ok(
      settled.every((event) => event.series === undefined),
      'no record recorded twice',
    );
    const consumers = (await redisClient().call('XINFO', 'CONSUMERS', key, CONSUMER_GROUP)) as string[][];
    const names = consumers.map((fields) => fields[fields.indexOf('name') + 1]);
    assert.ok(
      names.includes('replica-a') && names.includes('replica-b'),
      `both replicas in the group: ${names.join()}`,
    );
  });

  it('runs in the operator while it leads', async () => {
    assert.ok(cp);
    await Promise.all(bridges.splice(0).map((bridge) => bridge.stop()));
    operator = await startOperator({
      kubeConfig: cp.kubeConfig(),
      identity: 'operator-0',
      leaseNamespace: ns,
      leaseTiming: { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 300 },
      healthPort: 0,
      healthHost: '127.0.0.1',
      log,
    });
    await eventually('leading', () => Promise.resolve(operator?.isLeader()));
    await add({
      event: 'registration_update.error',
      error: 'invalid_client_metadata',
      description: 'via the operator',
    });
    const event = await eventually('the Event written by the operator', async () =>
      (await events('idp')).find((e) => e.note.includes('via the operator')),
    );
    assert.equal(event.reason, 'InvalidClientMetadata');
    assert.equal(event.action, 'RegistrationUpdateError');
    assert.deepEqual(
      log.errors.filter((line) => line.includes('event bridge')),
      [],
    );
  });

  it('does not read the stream on a standby replica', async () => {
    assert.ok(cp);
    standby = await startOperator({
      kubeConfig: cp.kubeConfig(),
      identity: 'operator-1',
      leaseNamespace: ns,
      leaseTiming: { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 300 },
      healthPort: 0,
      healthHost: '127.0.0.1',
      log,
    });
    await add({ error: 'invalid_request', description: 'while a standby waits' });
    await eventually('the leader records it', async () =>
      (await events('idp')).some((e) => e.note.includes('while a standby waits')),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(standby.isLeader(), false);
    const consumers = (await redisClient().call('XINFO', 'CONSUMERS', key, CONSUMER_GROUP)) as string[][];
    const names = consumers.map((fields) => fields[fields.indexOf('name') + 1]);
    assert.ok(names.includes('operator-0') && !names.includes('operator-1'), names.join());
  });
});
