/**
 * kube-scheduler for a test control plane: binds Pods to the Nodes that exist (none, unless a test registers one; a
 * Pod then stays Pending with `PodScheduled=False`, reason `Unschedulable`).
 */
import { join } from 'node:path';

/** What the scheduler's flags are made of. */
export interface SchedulerSetup {
  /** The control plane's temp dir (the scheduler's certificates go below it). */
  readonly dir: string;
  /** Admin kubeconfig: the scheduler's API credentials, and its delegated authentication/authorization. */
  readonly kubeconfigPath: string;
  /** Free loopback port of the scheduler's HTTPS endpoint (/healthz). */
  readonly port: number;
}

/** kube-scheduler v1.20 flags: loopback only, no insecure port, no leader election (one instance). */
export function schedulerArgs(setup: SchedulerSetup): string[] {
  return [
    `--kubeconfig=${setup.kubeconfigPath}`,
    `--authentication-kubeconfig=${setup.kubeconfigPath}`,
    `--authorization-kubeconfig=${setup.kubeconfigPath}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${setup.port}`,
    '--port=0',
    `--cert-dir=${join(setup.dir, 'scheduler-certs')}`,
    '--leader-elect=false',
  ];
}
