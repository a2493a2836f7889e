/**
 * Subscribes the event stream to the provider's events (DESIGN.md: the stream is one more listener; endpoint code
 * never imports it). Only with Redis storage: the stream lives next to the state, on the storage's own client, and
 * the operator reads it there. With memory storage there is no stream (`docs/event-bridge.md`).
 */
import { Counter, type Registry } from 'prom-client';
import type { EventStreamOptions } from '../config/options.ts';
import type { ProviderEmitter } from '../events/events.ts';
import type { Clock } from '../time/clock.ts';
import { streamKey } from './record.ts';
import { recordOf, streamedEvents } from './select.ts';
import { EventStreamWriter, type StreamClient } from './writer.ts';

/** What {@link streamEvents} needs. */
export interface EventStreamSetup {
  readonly events: ProviderEmitter;
  readonly client: StreamClient;
  readonly keyPrefix: string;
  readonly issuer: string;
  readonly options: EventStreamOptions;
  readonly clock: Clock;
  /** The provider's metrics registry: the stream's counters join it. */
  readonly registry: Registry;
}

/** Starts streaming; returns the writer (tests drain it), or undefined when the stream is disabled. */
export function streamEvents(setup: EventStreamSetup): EventStreamWriter | undefined {
  if (!setup.options.enabled) return undefined;
  const dropped = new Counter({
    name: 'kubeoidc_event_stream_dropped_total',
    help: 'Event-stream records dropped (in-process buffer full, Redis unavailable, XADD failed).',
    registers: [setup.registry],
  });
  const written = new Counter({
    name: 'kubeoidc_event_stream_written_total',
    help: 'Event-stream records appended to the Redis stream.',
    registers: [setup.registry],
  });
  const writer = new EventStreamWriter({
    client: setup.client,
    key: streamKey(setup.keyPrefix),
    maxLength: setup.options.maxLength,
    bufferSize: setup.options.bufferSize,
    onDropped: (count) => {
      dropped.inc(count);
    },
    onWritten: (count) => {
      written.inc(count);
    },
  });
  for (const event of streamedEvents) {
    setup.events.on(event, (...args: unknown[]) => {
      const record = recordOf(event, args, setup.issuer, setup.clock.now());
      if (record) writer.push(record);
    });
  }
  return writer;
}
