/**
 * The Node object the agent stands for: registered Ready with room for the story's pods, its Ready condition renewed
 * every 10 s (a heartbeat, as the kubelet posts one), and deleted again on stop.
 *
 * The API server's TaintNodesByCondition admission taints every new Node `node.kubernetes.io/not-ready:NoSchedule`;
 * in a cluster the node lifecycle controller lifts it once the kubelet reports Ready. The test cluster does not run
 * that controller (there is no kubelet to judge), so the agent lifts the taint itself after its first Ready status —
 * without that the scheduler never binds a pod here.
 */
import { callApi, isConflict, type ApiEndpoint } from './kube-api.ts';

const HEARTBEAT_MS = 10_000;

/** A registered Node. */
export interface NodeRegistration {
  stop(): Promise<void>;
}

function nodeStatus(hostIP: string, name: string): unknown {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const condition = (type: string, status: string, reason: string) => ({
    type,
    status,
    reason,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  const resources = { cpu: '16', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition('Ready', 'True', 'KubeletReady'),
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID'),
      ],
      addresses: [
        { type: 'InternalIP', address: hostIP },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        machineID: name,
        systemUUID: name,
        bootID: name,
        kernelVersion: '',
        osImage: 'kubeoidc test node agent (pods run as local processes)',
        containerRuntimeVersion: 'node-agent://0',
        kubeletVersion: 'v1.20.2',
        kubeProxyVersion: 'v1.20.2',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** Registers Node `name` (replacing a leftover of the same name) and keeps it Ready until `stop()`. */
export async function registerNode(api: ApiEndpoint, name: string, hostIP: string): Promise<NodeRegistration> {
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
    },
    spec: {},
  };
  try {
    await callApi(api, 'POST', '/api/v1/nodes', node);
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  const beat = (): Promise<unknown> =>
    callApi(api, 'PATCH', `/api/v1/nodes/${name}/status`, nodeStatus(hostIP, name), 'application/merge-patch+json');
  await beat();
  await liftNotReadyTaint(api, name);
  const timer = setInterval(() => {
    beat().catch(() => undefined); // the next beat tries again
  }, HEARTBEAT_MS);
  return {
    async stop() {
      clearInterval(timer);
      // Best effort: the control plane may be stopped already.
      await callApi(api, 'DELETE', `/api/v1/nodes/${name}`).catch(() => undefined);
    },
  };
}

/** The taints the node lifecycle controller removes from a Node that reports Ready. */
const NOT_READY_TAINTS = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

interface Taint {
  key: string;
  effect: string;
}

async function liftNotReadyTaint(api: ApiEndpoint, name: string): Promise<void> {
  const node = await callApi<{ metadata?: { resourceVersion?: string }; spec?: { taints?: Taint[] } }>(
    api,
    'GET',
    `/api/v1/nodes/${name}`,
  );
  const taints = node.spec?.taints ?? [];
  const kept = taints.filter((taint) => !NOT_READY_TAINTS.has(taint.key));
  if (kept.length === taints.length) return;
  // The resourceVersion makes it a compare-and-swap: taints someone added meanwhile are not dropped.
  await callApi(
    api,
    'PATCH',
    `/api/v1/nodes/${name}`,
    { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints: kept } },
    'application/merge-patch+json',
  );
}
