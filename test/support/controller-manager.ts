/**
 * kube-controller-manager for a test control plane: the controllers a user's cluster runs for kubeoidc's story
 * (Deployments → ReplicaSets → Pods, Endpoints and EndpointSlices of Services, garbage collection of owned objects,
 * namespace deletion, PodDisruptionBudget status, ServiceAccounts and their token Secrets, the root CA ConfigMap).
 *
 * Not run: node lifecycle (there is no kubelet heartbeat to judge; a test node agent reports its own status), and
 * everything needing a cloud, volumes or certificates signing.
 */
import { componentArgs, type ComponentSetup } from './component-args.ts';

/** The controllers started by default (`--controllers`). */
export const DEFAULT_CONTROLLERS: readonly string[] = [
  'deployment',
  'replicaset',
  'endpoint',
  'endpointslice',
  'garbagecollector',
  'namespace',
  'disruption',
  'serviceaccount',
  'serviceaccount-token',
  // The `kube-root-ca.crt` ConfigMap in every namespace (projected service-account volumes read it).
  'root-ca-cert-publisher',
];

/** What the controller-manager's flags are made of. */
export interface ControllerManagerSetup extends ComponentSetup {
  /** Private key the API server verifies service-account tokens with (`--service-account-key-file` pair). */
  readonly serviceAccountPrivateKeyPath: string;
  /** The cluster CA written into every token Secret as `ca.crt`. */
  readonly rootCaPath: string;
  readonly controllers: readonly string[];
}

/** kube-controller-manager v1.20 flags: loopback only, no insecure port, no leader election (one instance). */
export function controllerManagerArgs(setup: ControllerManagerSetup): string[] {
  return [
    ...componentArgs(setup, 'controller-manager-certs'),
    `--controllers=${setup.controllers.join(',')}`,
    `--service-account-private-key-file=${setup.serviceAccountPrivateKeyPath}`,
    `--root-ca-file=${setup.rootCaPath}`,
  ];
}
