/**
 * Small helpers for the node agent's tests: create objects, wait for a pod's status, fetch from a pod.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../support/control-plane.ts';
import { callApi, isNotFound, type ApiEndpoint } from '../support/node-agent/kube-api.ts';
import { startNodeAgent, type NodeAgent, type NodeAgentOptions } from '../support/node-agent/node-agent.ts';

/** A control plane with one node agent, started in `before` and stopped in `after` of the calling suite. */
export function agentCluster(
  options: NodeAgentOptions = {},
  controlPlane: ControlPlaneOptions = {},
): { readonly cp: ControlPlane; readonly node: NodeAgent } {
  let cp: ControlPlane | undefined;
  let node: NodeAgent | undefined;
  before(async () => {
    cp = await startControlPlane(controlPlane);
    node = await startNodeAgent(cp, options);
    // The ServiceAccount admission plugin wants the namespace's `default` account; without a controller-manager
    // nobody else creates it.
    if (controlPlane.controllerManager !== true) {
      await create(cp, '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'default' } });
    }
  });
  after(async () => {
    await node?.stop();
    await cp?.stop();
  });
  return {
    get cp() {
      if (cp === undefined) throw new Error('the control plane did not start');
      return cp;
    },
    get node() {
      if (node === undefined) throw new Error('the node agent did not start');
      return node;
    },
  };
}

/** POSTs an object to its collection (core v1 or apps/discovery with `apiPath`). */
export function create(api: ApiEndpoint, collection: string, object: unknown): Promise<unknown> {
  return callApi(api, 'POST', collection, object);
}

/** The pod, or undefined once it is gone. */
export async function getPod(api: ApiEndpoint, namespace: string, name: string): Promise<V1Pod | undefined> {
  try {
    return await callApi<V1Pod>(api, 'GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Polls until `check` returns a value (not undefined); fails with `what` after `timeoutMs` (a hang guard), naming the
 * error of the latest attempt when it threw (not an older one: a 404 from before an object existed is stale).
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      last = undefined; // the latest attempt answered, only not yet what is awaited: an older error is stale
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await sleep(200);
  }
}

/** Whether a pod's Ready condition is True. */
export function isReady(pod: V1Pod | undefined): boolean {
  return pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Waits until the pod's Ready condition has `status`; returns the pod. On time-out the error shows its status. */
export async function waitReady(
  api: ApiEndpoint,
  namespace: string,
  name: string,
  ready = true,
  node?: NodeAgent,
): Promise<V1Pod> {
  let last: V1Pod | undefined;
  try {
    return await eventually(`pod ${namespace}/${name} Ready=${ready}`, async () => {
      last = await getPod(api, namespace, name);
      return last !== undefined && isReady(last) === ready ? last : undefined;
    });
  } catch (error) {
    const logs = (last?.spec?.containers ?? []).map(
      (c) => `--- ${c.name}:\n${node?.logs(namespace, name, c.name).slice(-3000) ?? '(no node given)'}`,
    );
    const status = JSON.stringify(last?.status);
    throw new Error(`${error instanceof Error ? error.message : String(error)}; status: ${status}\n${logs.join('\n')}`);
  }
}

/** A pod bound to `nodeName` (no scheduler needed) running `script` with the Node.js image. */
export function nodeScriptPod(name: string, nodeName: string, script: string, spec: Record<string, unknown> = {}) {
  const { container = {}, ...podSpec } = spec as { container?: Record<string, unknown> };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: {
      nodeName,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 5,
      containers: [{ name: 'main', image: 'node:24-bookworm-slim', command: ['node', '-e', script], ...container }],
      ...podSpec,
    },
  };
}
