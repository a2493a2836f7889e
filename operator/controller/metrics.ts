/** The operator's own metrics, in their own prom-client Registry (never the global one). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Reconcile outcomes. */
export type ReconcileResultLabel = 'success' | 'error' | 'requeue';

/** The operator's metrics. */
export interface OperatorMetrics {
  readonly registry: Registry;
  readonly reconcileTotal: Counter<'kind' | 'result'>;
  readonly reconcileDuration: Histogram<'kind'>;
  readonly workqueueDepth: Gauge<'kind'>;
  readonly leader: Gauge;
}

/** Creates the metrics in a new Registry (`defaultMetrics` adds the process metrics). */
export function createOperatorMetrics(defaultMetrics = true): OperatorMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'kubeoidc_operator_' });
  return {
    registry,
    reconcileTotal: new Counter({
      name: 'kubeoidc_operator_reconcile_total',
      help: 'Reconciles by kind and result (success, error, requeue).',
      labelNames: ['kind', 'result'],
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: 'kubeoidc_operator_reconcile_duration_seconds',
      help: 'Duration of reconciles by kind.',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    workqueueDepth: new Gauge({
      name: 'kubeoidc_operator_workqueue_depth',
      help: 'Keys waiting in the work queue, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'kubeoidc_operator_leader',
      help: '1 while this replica holds the leader Lease, else 0.',
      registers: [registry],
    }),
  };
}
