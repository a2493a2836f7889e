/**
 * The OIDCClient's side of metric labels: whether this client got a place in its provider's label allowlist, decided
 * by the same selection the provider reconciler renders (`providers/metric-labels.ts`), and the Event that tells the
 * team when it did not (or got one later).
 */
import type { EventRecorder } from '../controller/events.ts';
import type { KubeClient } from '../kube/client.ts';
import { API_VERSION, OIDC_CLIENT, type OIDCClient, type OIDCClientStatus, type OIDCProvider } from '../kube/crds.ts';
import { listObjects } from '../kube/resources.ts';
import { selectMetricLabels, wantsMetricLabel } from '../providers/metric-labels.ts';
import type { MetricLabelOutcome } from './status.ts';

/**
 * Where `client`, registered as `clientId`, stands among the opted-in clients of `provider` (undefined when it does
 * not opt in). Reads the namespace's OIDCClients; this client counts with `clientId` even before its status says so.
 */
export async function metricLabelOf(
  kube: KubeClient,
  client: OIDCClient,
  provider: OIDCProvider,
  clientId: string,
): Promise<MetricLabelOutcome | undefined> {
  if (!wantsMetricLabel(client)) return undefined;
  const { namespace } = client.metadata;
  const list = await listObjects<OIDCClient>(kube, { apiVersion: API_VERSION, kind: OIDC_CLIENT.kind, namespace });
  const self = { ...client, status: { ...client.status, clientId } };
  const all = [...list.items.filter((other) => other.metadata.uid !== client.metadata.uid), self];
  const selection = selectMetricLabels(provider, all);
  const name = provider.metadata.name ?? '';
  return selection.clientIds.includes(clientId)
    ? { state: 'labelled', clientId, provider: name }
    : { state: 'overLimit', provider: name, max: selection.max };
}

/** Records an Event when the MetricLabel condition's reason changed between two statuses. */
export async function recordMetricLabelChange(
  events: EventRecorder,
  client: OIDCClient,
  before: OIDCClientStatus | undefined,
  after: OIDCClientStatus,
): Promise<void> {
  const reasonOf = (status: OIDCClientStatus | undefined) =>
    status?.conditions?.find((condition) => condition.type === 'MetricLabel');
  const [was, now] = [reasonOf(before), reasonOf(after)];
  if (now === undefined || was?.reason === now.reason) return;
  if (now.reason === 'MetricLabelLimitReached') {
    await events.record(client, 'Warning', now.reason, 'MetricLabel', now.message);
  } else if (now.reason === 'MetricLabelled') {
    await events.record(client, 'Normal', now.reason, 'MetricLabel', now.message);
  }
}
