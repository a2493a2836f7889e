/** The flags kube-controller-manager and kube-scheduler (v1.20) share in a test control plane. */
import { join } from 'node:path';

/** What the shared flags are made of. */
export interface ComponentSetup {
  /** The control plane's temp dir (the component's certificates go below it). */
  readonly dir: string;
  /** Admin kubeconfig: the component's API credentials, and its delegated authentication/authorization. */
  readonly kubeconfigPath: string;
  /** Free loopback port of the component's HTTPS endpoint (/healthz). */
  readonly port: number;
}

/** Loopback only, no insecure port, certificates in `<dir>/<certDir>`, no leader election (one instance). */
export function componentArgs(setup: ComponentSetup, certDir: string): string[] {
  return [
    `--kubeconfig=${setup.kubeconfigPath}`,
    `--authentication-kubeconfig=${setup.kubeconfigPath}`,
    `--authorization-kubeconfig=${setup.kubeconfigPath}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${setup.port}`,
    '--port=0',
    `--cert-dir=${join(setup.dir, certDir)}`,
    '--leader-elect=false',
  ];
}
