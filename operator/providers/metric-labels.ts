/**
 * Which OIDCClients are a `client` label value of their provider's per-client metrics (the provider option
 * `metricsClientAllowlist`; every other client is counted as `other`, provider/metrics/labels.ts).
 *
 * A client opts in with `spec.metrics.label: true`; its provider grants at most `spec.metrics.maxClientLabels` places,
 * oldest first (`creationTimestamp`, then name), so the same objects always give the same list and a newer client
 * never pushes out one teams already alert on. A place is held from the opt-in on, also while the client is not
 * registered yet (so a registration finishing late moves nobody); the label value is the client id in status (the id
 * the provider registered, which its events carry), so such a place has no value until then. Clients being deleted
 * hold none.
 *
 * Pure. Both reconcilers use it: the provider's renders the allowlist into the configuration, the client's reports
 * in its MetricLabel condition whether it got a place.
 */
import { OIDC_PROVIDER_DEFAULTS, type OIDCClient, type OIDCProvider } from '../kube/crds.ts';

/** The outcome for a provider. */
export interface MetricLabelSelection {
  /** Client ids granted a label, oldest client first (the rendered allowlist). */
  readonly clientIds: readonly string[];
  /** Names of the OIDCClients that opted in but are over the limit. */
  readonly overLimit: readonly string[];
  /** The limit applied. */
  readonly max: number;
}

/** Whether `client` asks to be a metric label. */
export function wantsMetricLabel(client: Pick<OIDCClient, 'spec'>): boolean {
  return client.spec.metrics?.label === true;
}

/** The provider's limit (`spec.metrics.maxClientLabels`, default 50). */
export function maxClientLabels(provider: OIDCProvider): number {
  return provider.spec.metrics?.maxClientLabels ?? OIDC_PROVIDER_DEFAULTS.maxClientLabels;
}

/** Creation time in ms (objects read as JSON carry an RFC 3339 string, client-node's types say Date). */
function createdAt(client: OIDCClient): number {
  const value = client.metadata.creationTimestamp as Date | string | undefined;
  const ms = value === undefined ? Number.NaN : new Date(value).getTime();
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

function olderFirst(a: OIDCClient, b: OIDCClient): number {
  // Timestamps have whole seconds: clients created in the same second are ordered by name.
  const byTime = createdAt(a) - createdAt(b);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  const [x, y] = [a.metadata.name ?? '', b.metadata.name ?? ''];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The label selection of `provider` among `clients` (any OIDCClients of its namespace; those of other providers are
 * ignored). A client id held by two objects is listed once.
 */
export function selectMetricLabels(provider: OIDCProvider, clients: readonly OIDCClient[]): MetricLabelSelection {
  const max = maxClientLabels(provider);
  const candidates = clients
    .filter(
      (client) =>
        client.spec.providerRef.name === provider.metadata.name &&
        client.metadata.namespace === provider.metadata.namespace &&
        client.metadata.deletionTimestamp === undefined &&
        wantsMetricLabel(client),
    )
    .sort(olderFirst);
  const granted = candidates.slice(0, max);
  const clientIds = [...new Set(granted.map((client) => client.status?.clientId).filter((id) => id !== undefined))];
  const overLimit = candidates.slice(max).map((client) => client.metadata.name ?? '');
  return { clientIds, overLimit, max };
}
