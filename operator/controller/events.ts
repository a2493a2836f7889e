/**
 * Kubernetes Events (`events.k8s.io/v1`) about what the operator does, attached to the object concerned. Recording
 * never fails the caller: an Event is a report, not part of the reconcile.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.ts';
import { resourcePath } from '../kube/resources.ts';
import type { Clock } from '../time.ts';

/** Event type. */
export type EventType = 'Normal' | 'Warning';

/** Records Events. */
export interface EventRecorder {
  /** Records that `action` happened to `regarding` for `reason` (CamelCase); `note` is for humans, never secrets. */
  record(regarding: KubernetesObject, type: EventType, reason: string, action: string, note: string): Promise<void>;
}

/** The controller name in every Event (`reportingController`). */
export const REPORTING_CONTROLLER = 'kubeoidc.dev/operator';

/** Writes Events through the API; `instance` identifies this operator replica (`reportingInstance`). */
export function apiEventRecorder(
  client: KubeClient,
  clock: Clock,
  instance: string,
  onError: (error: unknown) => void = () => undefined,
): EventRecorder {
  return {
    async record(regarding, type, reason, action, note) {
      const namespace = regarding.metadata?.namespace ?? 'default';
      const event = {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { generateName: `${regarding.metadata?.name ?? 'object'}-`, namespace },
        eventTime: new Date(clock.now()).toISOString().replace('Z', '000Z'),
        reportingController: REPORTING_CONTROLLER,
        reportingInstance: instance,
        action,
        reason,
        type,
        note: note.slice(0, 1024),
        regarding: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name: regarding.metadata?.name,
          namespace,
          uid: regarding.metadata?.uid,
          resourceVersion: regarding.metadata?.resourceVersion,
        },
      };
      try {
        await client.request('POST', resourcePath({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace }), {
          body: event,
        });
      } catch (error) {
        onError(error);
      }
    },
  };
}
