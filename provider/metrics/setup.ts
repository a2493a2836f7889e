import type { RequestSample } from '../app.ts';
import type { ProviderEmitter } from '../events/events.ts';
import type { StorageObserver } from '../storage/instrumented.ts';
import { routeLabel, statusClass, OTHER } from './labels.ts';
import { observeEvents } from './observe-events.ts';
import { createMetrics, type LoginResult, type MetricsSources, type ProviderMetrics } from './registry.ts';

const methods = new Set(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']);

/** The metrics of one provider process and the hooks that feed them. */
export interface MetricsSetup {
  metrics: ProviderMetrics;
  observeRequest: (sample: RequestSample) => void;
  observeStorage: StorageObserver;
  /** Counts a password login attempt by result (`interactions/observed-login.ts` reports them). */
  observeLogin: (result: LoginResult) => void;
}

/** Creates the metrics, subscribes them to the events, and returns the HTTP and storage hooks. */
export function setupMetrics(
  events: ProviderEmitter,
  sources: MetricsSources & { allowClient: (clientId: string) => boolean },
): MetricsSetup {
  const metrics = createMetrics(sources);
  observeEvents(events, metrics, sources.allowClient);
  return {
    metrics,
    observeRequest: ({ path, method, status, seconds }) => {
      metrics.httpDuration.observe(
        routeLabel(path),
        methods.has(method) ? method : OTHER,
        status,
        statusClass,
        seconds,
      );
    },
    observeStorage: (model, operation, seconds, failed) => {
      metrics.storageDuration.observe({ model, operation }, seconds);
      if (failed) metrics.storageErrors.inc({ model, operation });
    },
    observeLogin: (result) => {
      metrics.logins.inc({ result });
    },
  };
}
