/** The event bridge's metrics, in the operator's registry (created once per registry: the bridge restarts). */
import { Counter, Gauge, type Registry } from 'prom-client';

/** Metrics of the event bridge. */
export interface BridgeMetrics {
  /**
   * Records that became an Event, by result: `created` (a new Event), `counted` (a series increment of an existing
   * one), `replayed` (a re-delivered entry the Event already counted: nothing written).
   */
  readonly records: Counter<'result'>;
  /** Records dropped instead of becoming an Event: `rate_limited`, `invalid`, `foreign_issuer`, `rejected`. */
  readonly dropped: Counter<'reason'>;
  /** Stream entries not yet delivered to the operator's consumer group, per OIDCProvider. */
  readonly lag: Gauge<'namespace' | 'name'>;
  /** Stream entries trimmed away before the operator read them (records that never became Events). */
  readonly trimmed: Counter<'namespace' | 'name'>;
}

function existing<T>(registry: Registry, name: string, type: new (...args: never[]) => T): T | undefined {
  const metric = registry.getSingleMetric(name);
  return metric instanceof type ? metric : undefined;
}

/** The bridge's metrics in `registry` (reused when they exist). */
export function bridgeMetrics(registry: Registry): BridgeMetrics {
  return {
    records:
      existing(registry, 'kubeoidc_operator_event_bridge_records_total', Counter<'result'>) ??
      new Counter({
        name: 'kubeoidc_operator_event_bridge_records_total',
        help: 'Event-stream records handled by the event bridge, by result (created, counted, replayed).',
        labelNames: ['result'],
        registers: [registry],
      }),
    dropped:
      existing(registry, 'kubeoidc_operator_event_bridge_dropped_total', Counter<'reason'>) ??
      new Counter({
        name: 'kubeoidc_operator_event_bridge_dropped_total',
        help: 'Event-stream records that did not become a Kubernetes Event, by reason (rate_limited, invalid, foreign_issuer, rejected).',
        labelNames: ['reason'],
        registers: [registry],
      }),
    lag:
      existing(registry, 'kubeoidc_operator_event_bridge_lag', Gauge<'namespace' | 'name'>) ??
      new Gauge({
        name: 'kubeoidc_operator_event_bridge_lag',
        help: "Entries of an OIDCProvider's event stream not yet delivered to the operator's consumer group.",
        labelNames: ['namespace', 'name'],
        registers: [registry],
      }),
    trimmed:
      existing(registry, 'kubeoidc_operator_event_bridge_trimmed_unread_total', Counter<'namespace' | 'name'>) ??
      new Counter({
        name: 'kubeoidc_operator_event_bridge_trimmed_unread_total',
        help: "Entries of an OIDCProvider's event stream trimmed before the operator read them (lost records).",
        labelNames: ['namespace', 'name'],
        registers: [registry],
      }),
  };
}
