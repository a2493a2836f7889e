/** The pure parts of the bridge's Event identity and note truncation. */
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- plain object fixtures, as in fixtures.ts */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { entryTimeMs, SERIES_WINDOW_MS, seriesEventName } from '../../../operator/events/event-identity.ts';
import { compareIds, groupStats } from '../../../operator/events/stream-stats.ts';
import { truncateUtf8 } from '../../../operator/kube/truncate.ts';

const object = (uid: string): KubernetesObject => ({ metadata: { name: 'web', uid } });
const regarding = object('u-1');
const content = { type: 'Warning', reason: 'InvalidGrant', note: 'n' };

describe('bridged Event identity', () => {
  it('is the same for every entry of one series window, on every replica', () => {
    const start = 1_000 * SERIES_WINDOW_MS;
    const a = seriesEventName(regarding, content, `${start}-0`);
    assert.equal(seriesEventName(regarding, content, `${start + SERIES_WINDOW_MS - 1}-7`), a);
    assert.match(a, /^web\.[0-9a-f]{16}$/);
  });

  it('differs by window, object, reason and note', () => {
    const id = `${1_000 * SERIES_WINDOW_MS}-0`;
    const a = seriesEventName(regarding, content, id);
    assert.notEqual(seriesEventName(regarding, content, `${1_001 * SERIES_WINDOW_MS}-0`), a);
    assert.notEqual(seriesEventName(object('u-2'), content, id), a);
    assert.notEqual(seriesEventName(regarding, { ...content, reason: 'ServerError' }, id), a);
    assert.notEqual(seriesEventName(regarding, { ...content, note: 'm' }, id), a);
  });

  it('reads the time of a stream entry id and refuses anything else', () => {
    assert.equal(entryTimeMs('1733000000000-3'), 1733000000000);
    assert.throws(() => entryTimeMs('x-1'), /not a stream entry id/);
  });
});

describe('group stats', () => {
  it('compares stream ids numerically', () => {
    assert.equal(compareIds('10-0', '9-5'), 1);
    assert.equal(compareIds('10-2', '10-10'), -1);
    assert.equal(compareIds('7-1', '7-1'), 0);
  });

  const groups = (lastDelivered: string, lag: number | null): unknown => [
    ['name', 'kubeoidc-operator', 'consumers', 1, 'pending', 0, 'last-delivered-id', lastDelivered, 'lag', lag],
  ];
  const stream = (length: number, first: string | null): unknown => [
    'length',
    length,
    'entries-added',
    40,
    'first-entry',
    first === null ? null : [first, ['event', 'x']],
  ];

  it('counts as trimmed what the group never saw and the stream no longer holds', () => {
    assert.deepEqual(groupStats(groups('5-0', 30), stream(5, '30-0'), 'kubeoidc-operator'), {
      lag: 30,
      lastDeliveredId: '5-0',
      trimmedUnread: 25,
      entriesAdded: 40,
      length: 5,
    });
  });

  it('counts nothing when the stream still holds the next entry, or Redis cannot tell the lag', () => {
    assert.equal(groupStats(groups('5-0', 3), stream(8, '4-0'), 'kubeoidc-operator')?.trimmedUnread, 0);
    assert.deepEqual(groupStats(groups('5-0', null), stream(5, '30-0'), 'kubeoidc-operator'), {
      lag: undefined,
      lastDeliveredId: '5-0',
      trimmedUnread: 0,
      entriesAdded: 40,
      length: 5,
    });
    assert.equal(groupStats(groups('5-0', 3), stream(8, '4-0'), 'another-group'), undefined);
  });
});

describe('truncateUtf8', () => {
  it('cuts by encoded bytes and never inside a character', () => {
    const note = 'é'.repeat(600); // 600 UTF-16 units, 1,200 bytes
    const cut = truncateUtf8(note, 1024);
    assert.equal(Buffer.byteLength(cut), 1024);
    assert.equal(cut, 'é'.repeat(512));
    assert.equal(truncateUtf8('a€', 3), 'a', 'a 3-byte character that does not fit is dropped whole');
    assert.equal(truncateUtf8('a😀b', 4), 'a', 'so is a 4-byte one');
    assert.equal(truncateUtf8('short', 1024), 'short');
  });
});
