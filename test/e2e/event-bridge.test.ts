/**
 * The event bridge end to end: a real provider on Redis storage answers failing token requests; the operator's bridge
 * reads the provider's stream and writes one Event with a series count on the OIDCClient whose status carries the
 * client id — with no secret in it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { startEventBridge, type RunningEventBridge } from '../../operator/events/bridge.ts';
import { CONSUMER_GROUP } from '../../operator/events/consumer.ts';
import { MERGE_PATCH, kubeClient, type KubeClient } from '../../operator/kube/client.ts';
import { listObjects, resourcePath } from '../../operator/kube/resources.ts';
import { systemClock } from '../../operator/time.ts';
import { streamKey } from '../../provider/event-stream/record.ts';
import { redirectUri, startFrontChannelProvider } from '../authorization/fixtures.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import type { TestProvider } from '../support/provider.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { eventually, testLog } from '../operator/support.ts';

interface Event extends KubernetesObject {
  reason: string;
  type: string;
  note: string;
  regarding: { kind: string; name: string };
  series?: { count: number };
}

const ns = 'default';
const webSecret = 'web-secret-web-secret-web-secret';

describe('event bridge end to end', { timeout: 240_000 }, () => {
  let cp: ControlPlane | undefined;
  let redis: RedisServer | undefined;
  let provider: TestProvider | undefined;
  let bridge: RunningEventBridge | undefined;
  let reader: Redis | undefined;
  let client: KubeClient;
  const log = testLog();

  before(async () => {
    [cp, redis] = await Promise.all([startControlPlane(), startRedis()]);
    await installCrds(cp);
    client = kubeClient(cp.kubeConfig());
    provider = await startFrontChannelProvider({
      storage: { type: 'redis', url: redis.url, keyPrefix: 'e2e:' },
      logLevel: 'error',
    });
    const kubeoidc = { apiVersion: 'kubeoidc.dev/v1alpha1', namespace: ns };
    await client.request('POST', resourcePath({ ...kubeoidc, kind: 'OIDCProvider' }), {
      body: {
        apiVersion: kubeoidc.apiVersion,
        kind: 'OIDCProvider',
        metadata: { name: 'local', namespace: ns },
        spec: { issuer: provider.issuer, redis: { url: redis.url, keyPrefix: 'e2e:' } },
      },
    });
    await client.request('POST', resourcePath({ ...kubeoidc, kind: 'OIDCClient' }), {
      body: {
        apiVersion: kubeoidc.apiVersion,
        kind: 'OIDCClient',
        metadata: { name: 'web-app', namespace: ns },
        spec: { providerRef: { name: 'local' }, grantTypes: ['authorization_code'], redirectUris: [redirectUri] },
      },
    });
    await client.request('PATCH', resourcePath({ ...kubeoidc, kind: 'OIDCClient', name: 'web-app' }, 'status'), {
      contentType: MERGE_PATCH,
      body: { status: { clientId: 'web' } },
    });
    bridge = startEventBridge({
      kubeConfig: cp.kubeConfig(),
      client,
      clock: systemClock,
      identity: 'e2e',
      registry: new Registry(),
      log,
      options: { blockMs: 200 },
    });
    await bridge.synced;
    reader = new Redis(redis.url);
    // The group is created at `$`: requests before it exists would not become Events.
    await eventually('the consumer group', async () => {
      const groups = (await reader!.call('XINFO', 'GROUPS', streamKey('e2e:')).catch(() => [])) as string[][];
      return groups.some((fields) => fields.includes(CONSUMER_GROUP));
    });
  });
  after(async () => {
    await bridge?.stop();
    reader?.disconnect();
    await provider?.stop();
    await redis?.stop();
    await cp?.stop();
  });

  it('turns five failing token requests into one Warning with a series count on the OIDCClient', async () => {
    assert.ok(provider);
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${provider.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`web:${webSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'stolen-code-xyz',
          redirect_uri: redirectUri,
        }),
      });
      assert.equal(response.status, 400);
    }
    const events = await eventually('one Event with count 5', async () => {
      const list = await listObjects<Event>(client, { apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns });
      const mine = list.items.filter((event) => event.regarding.name === 'web-app');
      return mine.length === 1 && mine[0]?.series?.count === 5 ? mine : undefined;
    });
    const [event] = events as [Event];
    assert.deepEqual([event.type, event.reason, event.regarding.kind], ['Warning', 'InvalidGrant', 'OIDCClient']);
    assert.match(event.note, /^grant\.error at token: invalid_grant/);
    assert.ok(!JSON.stringify(events).includes(webSecret) && !JSON.stringify(events).includes('stolen-code-xyz'));
    assert.deepEqual(log.errors, []);
  });
});
