/**
 * Events on a real API server: an Event per distinct occurrence, and repeats of the same one folded into a series
 * with a count instead of new objects.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { apiEventRecorder, SERIES_WINDOW_MS } from '../../../operator/controller/events.ts';
import { kubeClient, type KubeClient } from '../../../operator/kube/client.ts';
import { listObjects } from '../../../operator/kube/resources.ts';
import { manualClock } from '../../../provider/time/clock.ts';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';

interface Event extends KubernetesObject {
  reason: string;
  type: string;
  note: string;
  reportingController: string;
  regarding: { name: string; uid: string };
  series?: { count: number; lastObservedTime: string };
}

describe('apiEventRecorder', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let client: KubeClient;

  before(async () => {
    cp = await startControlPlane();
    client = kubeClient(cp.kubeConfig());
  });
  after(async () => {
    await cp?.stop();
  });

  it('records Events and folds repeats into a series', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const errors: unknown[] = [];
    const recorder = apiEventRecorder(client, clock, 'test', (error) => errors.push(error));
    const regarding = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'default', uid: 'u1' },
    };
    await recorder.record(regarding, 'Warning', 'ApplyFailed', 'Apply', 'boom');
    clock.advance(1000);
    await recorder.record(regarding, 'Warning', 'ApplyFailed', 'Apply', 'boom');
    clock.advance(1000);
    await recorder.record(regarding, 'Warning', 'ApplyFailed', 'Apply', 'boom');
    await recorder.record(regarding, 'Normal', 'Created', 'Apply', 'created');
    clock.advance(SERIES_WINDOW_MS);
    await recorder.record(regarding, 'Warning', 'ApplyFailed', 'Apply', 'boom');
    assert.deepEqual(errors, []);

    const list = await listObjects<Event>(client, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      namespace: 'default',
    });
    const mine = list.items.filter((event) => event.regarding.uid === 'u1');
    const summary = mine.map((event) => `${event.type} ${event.reason} ${event.series?.count ?? 1}`).sort();
    assert.deepEqual(summary, ['Normal Created 1', 'Warning ApplyFailed 1', 'Warning ApplyFailed 3']);
    assert.ok(mine.every((event) => event.reportingController === 'kubeoidc.dev/operator'));
    assert.equal(
      mine.find((event) => event.series !== undefined)?.series?.lastObservedTime,
      '2026-01-01T00:00:02.000000Z',
    );
  });
});
