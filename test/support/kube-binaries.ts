/**
 * Finds the binaries the control-plane harness runs: `etcd`, `kube-apiserver`, and (for a cluster with controllers)
 * `kube-controller-manager` and `kube-scheduler`.
 *
 * Order (DESIGN.md, "How it is tested here"): the envtest convention `KUBEBUILDER_ASSETS` (a folder holding them),
 * then the `KUBE_APISERVER` / `KUBE_CONTROLLER_MANAGER` / `KUBE_SCHEDULER` / `ETCD` variables, then kubeoidc's own
 * cache (`scripts/build-kube.sh` builds Kubernetes v1.20.2 from Debian's source package into
 * `${KUBEOIDC_CACHE:-$HOME/.cache/kubeoidc}/bin/k8s-1.20.2-r2/`) and `etcd` on PATH (Debian's `etcd-server`).
 */
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Absolute paths of the binaries a control plane needs. */
export interface KubeBinaries {
  etcd: string;
  kubeApiserver: string;
}

/** Absolute paths of the controller binaries (only a control plane with controllers needs them). */
export interface ControllerBinaries {
  kubeControllerManager: string;
  kubeScheduler: string;
}

/** Tells whether a path is an executable file; injected so the lookup order can be tested without real binaries. */
export type IsExecutable = (path: string) => boolean;

/** The real check: the file exists and this process may execute it. */
export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The folder `scripts/build-kube.sh` builds into, under the cache's `bin/`: version and recipe revision (the script's
 * VERSION and REVISION). A new revision is a new folder, so binaries built by an older recipe are never used.
 */
export const KUBE_BUILD = 'k8s-1.20.2-r2';

/** Folder where kubeoidc caches what it builds for tests. */
export function kubeoidcCacheDir(env: NodeJS.ProcessEnv): string {
  return env['KUBEOIDC_CACHE'] ?? join(env['HOME'] ?? homedir(), '.cache', 'kubeoidc');
}

const BUILD_HINT = 'Build them once with `bash scripts/build-kube.sh` (caches them outside the repo)';

/** Candidate paths of one Kubernetes binary, in lookup order. */
function kubeCandidates(env: NodeJS.ProcessEnv, name: string, variable: string): string[] {
  const assets = env['KUBEBUILDER_ASSETS'];
  const fromEnv = env[variable];
  return [
    ...(assets ? [join(assets, name)] : []),
    ...(fromEnv ? [fromEnv] : []),
    join(kubeoidcCacheDir(env), 'bin', KUBE_BUILD, name),
  ];
}

/**
 * Resolves etcd and kube-apiserver, or throws an Error that names each missing binary, where it was looked for, and
 * how to get it.
 */
export function findKubeBinaries(
  env: NodeJS.ProcessEnv = process.env,
  isExecutable: IsExecutable = isExecutableFile,
): KubeBinaries {
  const assets = env['KUBEBUILDER_ASSETS'];
  const onPath = (env['PATH'] ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'etcd'));
  const apiserverCandidates = kubeCandidates(env, 'kube-apiserver', 'KUBE_APISERVER');
  const etcdCandidates = [...(assets ? [join(assets, 'etcd')] : []), ...(env['ETCD'] ? [env['ETCD']] : []), ...onPath];

  const kubeApiserver = apiserverCandidates.find(isExecutable);
  const etcd = etcdCandidates.find(isExecutable);
  const problems: string[] = [];
  if (kubeApiserver === undefined) {
    problems.push(
      `kube-apiserver not found (looked at ${apiserverCandidates.join(', ')}). ${BUILD_HINT}, ` +
        'or set KUBEBUILDER_ASSETS to a folder with etcd and kube-apiserver, or KUBE_APISERVER to the binary.',
    );
  }
  if (etcd === undefined) {
    problems.push(
      `etcd not found (looked in KUBEBUILDER_ASSETS, ETCD and PATH). ` +
        'Install it with `apt-get install -y etcd-server`, or set ETCD to the binary.',
    );
  }
  if (kubeApiserver === undefined || etcd === undefined) throw new Error(problems.join('\n'));
  return { etcd, kubeApiserver };
}

/** Resolves kube-controller-manager and kube-scheduler, or throws an Error naming what is missing and how to get it. */
export function findControllerBinaries(
  env: NodeJS.ProcessEnv = process.env,
  isExecutable: IsExecutable = isExecutableFile,
): ControllerBinaries {
  const managerCandidates = kubeCandidates(env, 'kube-controller-manager', 'KUBE_CONTROLLER_MANAGER');
  const schedulerCandidates = kubeCandidates(env, 'kube-scheduler', 'KUBE_SCHEDULER');
  const kubeControllerManager = managerCandidates.find(isExecutable);
  const kubeScheduler = schedulerCandidates.find(isExecutable);
  const problems: string[] = [];
  if (kubeControllerManager === undefined) {
    problems.push(
      `kube-controller-manager not found (looked at ${managerCandidates.join(', ')}). ${BUILD_HINT}, ` +
        'or set KUBE_CONTROLLER_MANAGER to the binary.',
    );
  }
  if (kubeScheduler === undefined) {
    problems.push(
      `kube-scheduler not found (looked at ${schedulerCandidates.join(', ')}). ${BUILD_HINT}, ` +
        'or set KUBE_SCHEDULER to the binary.',
    );
  }
  if (kubeControllerManager === undefined || kubeScheduler === undefined) throw new Error(problems.join('\n'));
  return { kubeControllerManager, kubeScheduler };
}
