/** The event bridge's metrics, in the operator's registry (created once per registry: the bridge restarts). */
import { Counter, type Registry } from 'prom-client';

/** Counters of the event bridge. */
export interface BridgeMetrics {
  /** Records read from provider streams, by outcome: `recorded` (an Event was written or its series counted). */
  readonly records: Counter<'result'>;
  /** Records dropped instead of becoming an Event: `rate_limited`, `invalid`, `foreign_issuer`. */
  readonly dropped: Counter<'reason'>;
}

function counter<L extends string>(registry: Registry, name: string, help: string, label: L): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames: [label], registers: [registry] });
}

/** The bridge's counters in `registry` (reused when they exist). */
export function bridgeMetrics(registry: Registry): BridgeMetrics {
  return {
    records: counter(
      registry,
      'kubeoidc_operator_event_bridge_records_total',
      'Event-stream records handled by the event bridge, by result.',
      'result',
    ),
    dropped: counter(
      registry,
      'kubeoidc_operator_event_bridge_dropped_total',
      'Event-stream records that did not become a Kubernetes Event, by reason (rate_limited, invalid, foreign_issuer).',
      'reason',
    ),
  };
}
