/**
 * The operator's entry point (`npm run operator`): reads the environment, runs {@link startOperator} against the
 * current kubeconfig (`KUBECONFIG`, `~/.kube/config`, or the in-cluster service account), stops gracefully on
 * SIGTERM/SIGINT (releasing the leader Lease so a standby takes over at once).
 *
 * Environment:
 * - `POD_NAME` — identity in the leader election (default: hostname and pid).
 * - `POD_NAMESPACE` — namespace of the leader Lease (default: the in-cluster namespace, else `default`).
 * - `WATCH_NAMESPACE` — only reconcile this namespace (default: all).
 * - `KUBEOIDC_OPERATOR_HEALTH_PORT` — port of /healthz, /readyz, /metrics (default 8081).
 * - `KUBEOIDC_LEASE_DURATION`, `KUBEOIDC_RENEW_DEADLINE`, `KUBEOIDC_RETRY_PERIOD` — Go durations (15s, 10s, 2s);
 *   lease duration > renew deadline > retry period, else the operator refuses to start.
 * - `KUBEOIDC_REQUEST_TIMEOUT` — deadline of every Kubernetes API request (default 30s).
 * - `KUBEOIDC_CACHE_SYNC_TIMEOUT` — how long a new leader waits for its caches (default 2m); a leader whose start
 *   fails releases the Lease and exits with status 1, so a standby takes over.
 * - `KUBEOIDC_LOG_LEVEL` — pino level (default info).
 * - `KUBEOIDC_OPERATOR_PROVIDER_IMAGE`, `KUBEOIDC_OPERATOR_PROVIDER_IMAGE_PULL_POLICY` — image of provider pods whose
 *   OIDCProvider names none (the chart sets them from its `image` values; `operator/providers/provider-image.ts`).
 * - `KUBEOIDC_OPERATOR_PROVIDER_URLS`, `KUBEOIDC_OPERATOR_PROVIDER_URL_TEMPLATE` — where providers are reached when
 *   the operator runs outside the cluster (default: their Services; `operator/clients/provider-urls.ts`).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { providerUrlResolver } from './clients/provider-urls.ts';
import { DEFAULT_LEASE_TIMING, validateLeaseTiming, type LeaseTiming } from './controller/lease-timing.ts';
import { providerImageSetting } from './providers/provider-image.ts';
import { startOperator } from './operator.ts';
import { parseDuration } from './providers/keys/duration.ts';

const env = process.env;
const log = pino({ name: 'kubeoidc-operator', level: env['KUBEOIDC_LOG_LEVEL'] ?? 'info' });

function duration(name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new Error(`${name}: "${text}" is not a positive Go duration`);
  return ms;
}

function inClusterNamespace(): string | undefined {
  try {
    return readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim();
  } catch {
    return undefined;
  }
}

try {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const timing: LeaseTiming = {
    leaseDurationMs: duration('KUBEOIDC_LEASE_DURATION', DEFAULT_LEASE_TIMING.leaseDurationMs),
    renewDeadlineMs: duration('KUBEOIDC_RENEW_DEADLINE', DEFAULT_LEASE_TIMING.renewDeadlineMs),
    retryPeriodMs: duration('KUBEOIDC_RETRY_PERIOD', DEFAULT_LEASE_TIMING.retryPeriodMs),
  };
  validateLeaseTiming(timing, {
    leaseDurationMs: 'KUBEOIDC_LEASE_DURATION',
    renewDeadlineMs: 'KUBEOIDC_RENEW_DEADLINE',
    retryPeriodMs: 'KUBEOIDC_RETRY_PERIOD',
  });
  const operator = await startOperator({
    kubeConfig,
    identity: env['POD_NAME'] ?? `${hostname()}-${process.pid}`,
    watchNamespace: env['WATCH_NAMESPACE'] || undefined,
    leaseNamespace: env['POD_NAMESPACE'] ?? inClusterNamespace() ?? 'default',
    leaseTiming: timing,
    requestTimeoutMs: duration('KUBEOIDC_REQUEST_TIMEOUT', 30_000),
    cacheSyncTimeoutMs: duration('KUBEOIDC_CACHE_SYNC_TIMEOUT', 120_000),
    // The Lease is already released: exit so the pod restarts (with the kubelet's backoff) and a standby leads.
    onFatal: (error) => {
      log.fatal({ err: error }, 'giving up: the leader could not start');
      process.exit(1);
    },
    healthPort: Number(env['KUBEOIDC_OPERATOR_HEALTH_PORT'] ?? 8081),
    providerImage: providerImageSetting(
      env['KUBEOIDC_OPERATOR_PROVIDER_IMAGE'],
      env['KUBEOIDC_OPERATOR_PROVIDER_IMAGE_PULL_POLICY'],
    ),
    providerUrl: providerUrlResolver({
      urls: env['KUBEOIDC_OPERATOR_PROVIDER_URLS'],
      template: env['KUBEOIDC_OPERATOR_PROVIDER_URL_TEMPLATE'],
    }),
    log: {
      info: (message) => {
        log.info(message);
      },
      error: (message, error) => {
        log.error({ err: error }, message);
      },
    },
  });
  log.info({ healthPort: operator.healthPort }, 'operator started');
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    operator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'graceful stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
} catch (error) {
  log.fatal({ err: error }, 'operator failed to start');
  process.exit(1);
}
