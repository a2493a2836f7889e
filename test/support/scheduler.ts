/**
 * kube-scheduler for a test control plane: binds Pods to the Nodes that exist (none, unless a test registers one; a
 * Pod then stays Pending with `PodScheduled=False`, reason `Unschedulable`).
 */
import { componentArgs, type ComponentSetup } from './component-args.ts';

/** What the scheduler's flags are made of. */
export type SchedulerSetup = ComponentSetup;

/** kube-scheduler v1.20 flags: loopback only, no insecure port, no leader election (one instance). */
export function schedulerArgs(setup: SchedulerSetup): string[] {
  return componentArgs(setup, 'scheduler-certs');
}
