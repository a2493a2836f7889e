/**
 * Pod status as the kubelet reports it, from what the agent knows about a pod's containers: phase, the conditions
 * PodScheduled / Initialized / ContainersReady / Ready (a transition time changes only when a condition flips), pod and
 * host IPs, and each container's state, restart count and readiness. Written with a merge patch of the `status`
 * subresource, only when it changed, so ReplicaSets, Deployments and EndpointSlices see real readiness.
 */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import type { V1ContainerState, V1ContainerStatus, V1Pod, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';
import { callApi, type ApiEndpoint } from './kube-api.ts';

/** What the agent knows about one container. */
export interface ContainerSnapshot {
  readonly name: string;
  readonly image: string;
  readonly restartCount: number;
  readonly state: V1ContainerState;
  readonly lastState?: V1ContainerState;
  readonly ready: boolean;
}

/** What the agent knows about one pod. */
export interface PodSnapshot {
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly podIP?: string;
  readonly hostIP: string;
  readonly startTime: Date;
  readonly containers: readonly ContainerSnapshot[];
}

/** Now, to the second (the API's timestamps have no fraction). */
const now = (): Date => new Date(Math.floor(Date.now() / 1000) * 1000);

/** The status to write, keeping the transition times of conditions that did not flip. */
export function podStatus(snapshot: PodSnapshot, previous: V1PodStatus | undefined): V1PodStatus {
  const allReady = snapshot.containers.length > 0 && snapshot.containers.every((c) => c.ready);
  const ready = allReady && snapshot.phase === 'Running';
  const condition = (type: string, status: boolean): V1PodCondition => {
    const value = status ? 'True' : 'False';
    const before = previous?.conditions?.find((c) => c.type === type);
    return {
      type,
      status: value,
      lastTransitionTime: (before?.status === value ? before.lastTransitionTime : undefined) ?? now(),
      ...(status
        ? {}
        : {
            reason:
              type === 'Ready' ? 'ContainersNotReady' : type === 'ContainersReady' ? 'ContainersNotReady' : undefined,
          }),
    };
  };
  const containerStatuses: V1ContainerStatus[] = snapshot.containers.map((c) => ({
    name: c.name,
    image: c.image,
    imageID: `node-agent://${c.image}`,
    ready: c.ready,
    restartCount: c.restartCount,
    started: c.state.running !== undefined,
    state: c.state,
    lastState: c.lastState ?? {},
  }));
  return {
    phase: snapshot.phase,
    conditions: [
      condition('Initialized', true),
      condition('Ready', ready),
      condition('ContainersReady', allReady),
      condition('PodScheduled', true),
    ],
    hostIP: snapshot.hostIP,
    ...(snapshot.podIP === undefined ? {} : { podIP: snapshot.podIP, podIPs: [{ ip: snapshot.podIP }] }),
    startTime: snapshot.startTime,
    containerStatuses,
  };
}

/** Writes a pod's status when it differs from the last one written. */
export class StatusWriter {
  readonly #api: ApiEndpoint;
  #written = '';
  #last: V1PodStatus | undefined;

  constructor(api: ApiEndpoint) {
    this.#api = api;
  }

  async write(pod: V1Pod, snapshot: PodSnapshot): Promise<void> {
    const status = podStatus(snapshot, this.#last ?? pod.status);
    const text = JSON.stringify(status);
    if (text === this.#written) return;
    const { namespace = 'default', name = '' } = pod.metadata ?? {};
    await callApi(
      this.#api,
      'PATCH',
      `/api/v1/namespaces/${namespace}/pods/${name}/status`,
      { status },
      'application/merge-patch+json',
    );
    this.#written = text;
    this.#last = status;
  }
}
