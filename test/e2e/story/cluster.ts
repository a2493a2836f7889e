/**
 * The story's one cluster: a control plane with the controller-manager and the scheduler, and one node agent whose
 * image map covers exactly the images the chart and the operator name. Started in `before`, stopped in `after` (also
 * when a step failed half-way). `diagnose()` tells what the pods are doing, for failure messages.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { after, before } from 'node:test';
import { startControlPlane, type ControlPlane } from '../../support/control-plane.ts';
import { callApi, type List } from '../../support/node-agent/kube-api.ts';
import { KUBEOIDC_IMAGE, startNodeAgent, type NodeAgent } from '../../support/node-agent/node-agent.ts';

/** The running cluster (throws when used before it started). */
export interface StoryCluster {
  readonly cp: ControlPlane;
  readonly node: NodeAgent;
  /** Status and log tails of every pod in `namespace` plus the agent's log: what a failing step shows. */
  diagnose(namespace: string): Promise<string>;
}

export function storyCluster(): StoryCluster {
  let cp: ControlPlane | undefined;
  let node: NodeAgent | undefined;
  before(async () => {
    cp = await startControlPlane({ controllerManager: true, scheduler: true });
    node = await startNodeAgent(cp);
    // The kubeoidc image is the compiled checkout (as `docker build` makes it): tens of seconds, once.
    await node.pullImage(KUBEOIDC_IMAGE);
  });
  after(async () => {
    await node?.stop();
    await cp?.stop();
  });
  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start`);
    return value;
  };
  return {
    get cp() {
      return required(cp, 'the control plane');
    },
    get node() {
      return required(node, 'the node agent');
    },
    async diagnose(namespace) {
      if (cp === undefined || node === undefined) return '(no cluster)';
      const lines: string[] = [];
      try {
        const pods = await callApi<List<V1Pod>>(cp, 'GET', `/api/v1/namespaces/${namespace}/pods`);
        for (const pod of pods.items) {
          const name = pod.metadata?.name ?? '';
          const phase = pod.status?.phase ?? '?';
          const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '?';
          lines.push(`pod ${name} on ${pod.spec?.nodeName ?? '(unscheduled)'}: ${phase}, Ready=${ready}`);
          for (const state of pod.status?.containerStatuses ?? []) lines.push(`  ${JSON.stringify(state.state)}`);
          for (const container of pod.spec?.containers ?? []) {
            const log = node.logs(namespace, name, container.name).trimEnd().split('\n').slice(-15).join('\n    ');
            lines.push(`  --- ${container.name}:\n    ${log}`);
          }
        }
      } catch (error) {
        lines.push(`(pods not listed: ${error instanceof Error ? error.message : String(error)})`);
      }
      try {
        const events = await callApi<
          List<{ reason?: string; note?: string; type?: string; regarding?: { kind?: string; name?: string } }>
        >(cp, 'GET', `/apis/events.k8s.io/v1/namespaces/${namespace}/events`);
        lines.push('--- events:');
        for (const event of events.items.slice(-25)) {
          lines.push(
            `  ${event.type ?? ''} ${event.reason ?? ''} ${event.regarding?.kind ?? ''}/${event.regarding?.name ?? ''}: ${event.note ?? ''}`,
          );
        }
      } catch (error) {
        lines.push(`(events not listed: ${error instanceof Error ? error.message : String(error)})`);
      }
      lines.push(`--- agent log:\n${node.agentLog().trimEnd().split('\n').slice(-20).join('\n')}`);
      return lines.join('\n');
    },
  };
}
