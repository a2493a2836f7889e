import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { eventNames } from '../events/events.ts';
import { RequestHistogram } from './request-histogram.ts';

/**
 * The provider's metrics, on its own Registry (never prom-client's global one). Prefix `kubeoidc_`; counters end in
 * `_total`, durations in `_seconds`; every label is bounded (see `labels.ts`). Documented in `docs/metrics.md`.
 */
export interface ProviderMetrics {
  registry: Registry;
  /** Every provider event, by name (EVENTS.md). */
  events: Counter<'event'>;
  /** Handled errors by endpoint and RFC error code; `server_error` counts bugs and outages. */
  errors: Counter<'endpoint' | 'error'>;
  /** Tokens issued by type (access_token, refresh_token, id_token, client_credentials) and grant type. */
  tokensIssued: Counter<'type' | 'grant_type' | 'client'>;
  /** Replays detected: an authorization code or refresh token presented again, a client assertion jti reused. */
  replays: Counter<'kind'>;
  /** HTTP request duration by endpoint, method and status class. */
  httpDuration: RequestHistogram;
  /** Storage operation duration by model and operation. */
  storageDuration: Histogram<'model' | 'operation'>;
  /** Storage operations that failed (store unreachable, timeouts). */
  storageErrors: Counter<'model' | 'operation'>;
  /** Signing keys by state: `active` (signing) or `published` (in the JWKS, not signing). */
  signingKeys: Gauge<'state'>;
  /** Password logins by result: `success`, `failure` (wrong username or password), `locked_out` (rate limit). */
  logins: Counter<'result'>;
  buildInfo: Gauge<'version' | 'node'>;
}

/** The results a login attempt is counted under (`kubeoidc_login_attempts_total{result}`). */
export const loginResults = ['success', 'failure', 'locked_out'] as const;
export type LoginResult = (typeof loginResults)[number];

export interface MetricsSources {
  version: string;
  /** Key ids that sign and key ids that are published, read at scrape time. */
  keys: () => { activeKeyIds: readonly string[]; publishedKeyIds: readonly string[] };
}

export function createMetrics({ version, keys }: MetricsSources): ProviderMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kubeoidc_process_' });
  const metrics: ProviderMetrics = {
    registry,
    events: new Counter({
      name: 'kubeoidc_events_total',
      help: 'Provider events emitted, by event name (docs/events.md).',
      labelNames: ['event'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'kubeoidc_errors_total',
      help: 'Errors by endpoint and error code (unknown codes are "other"; server_error is a bug or an outage).',
      labelNames: ['endpoint', 'error'],
      registers: [registry],
    }),
    tokensIssued: new Counter({
      name: 'kubeoidc_tokens_issued_total',
      help: 'Tokens issued, by token type, grant type and client (allowed clients only, else "other").',
      labelNames: ['type', 'grant_type', 'client'],
      registers: [registry],
    }),
    replays: new Counter({
      name: 'kubeoidc_token_replays_total',
      help: 'Replays detected: authorization_code reuse, refresh_token reuse.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    // Observed on every request: prom-client's exposition, a cheaper observation (`request-histogram.ts`).
    httpDuration: new RequestHistogram({
      name: 'kubeoidc_http_request_duration_seconds',
      help: 'HTTP request duration by endpoint, method and status class.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    storageDuration: new Histogram({
      name: 'kubeoidc_storage_operation_duration_seconds',
      help: 'Storage operation duration by model and operation.',
      labelNames: ['model', 'operation'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
    storageErrors: new Counter({
      name: 'kubeoidc_storage_errors_total',
      help: 'Storage operations that failed, by model and operation.',
      labelNames: ['model', 'operation'],
      registers: [registry],
    }),
    signingKeys: new Gauge({
      name: 'kubeoidc_signing_keys',
      help: 'Signing keys by state: active (signing) or published (in the JWKS, not signing).',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const { activeKeyIds, publishedKeyIds } = keys();
        this.set({ state: 'active' }, activeKeyIds.length);
        this.set({ state: 'published' }, publishedKeyIds.filter((kid) => !activeKeyIds.includes(kid)).length);
      },
    }),
    logins: new Counter({
      name: 'kubeoidc_login_attempts_total',
      help: 'Password login attempts by result: success, failure (wrong credentials), locked_out (refused by the login rate limit). No account label.',
      labelNames: ['result'],
      registers: [registry],
    }),
    buildInfo: new Gauge({
      name: 'kubeoidc_build_info',
      help: 'Build information; always 1.',
      labelNames: ['version', 'node'],
      registers: [registry],
    }),
  };
  metrics.buildInfo.set({ version, node: process.version }, 1);
  // Every event starts at 0 so rate() and absent() behave from the first scrape.
  for (const event of eventNames) metrics.events.inc({ event }, 0);
  for (const result of loginResults) metrics.logins.inc({ result }, 0);
  return metrics;
}
