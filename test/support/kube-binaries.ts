/**
 * Finds the `etcd` and `kube-apiserver` binaries the control-plane harness runs.
 *
 * Order (DESIGN.md, "How it is tested here"): the envtest convention `KUBEBUILDER_ASSETS` (a folder holding both),
 * then the `KUBE_APISERVER` / `ETCD` variables, then kubeoidc's own cache (`scripts/build-kube-apiserver.sh` builds
 * kube-apiserver v1.20.2 from Debian's source package into `${KUBEOIDC_CACHE:-$HOME/.cache/kubeoidc}/bin`) and `etcd`
 * on PATH (Debian's `etcd-server`).
 */
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Absolute paths of the binaries a control plane needs. */
export interface KubeBinaries {
  etcd: string;
  kubeApiserver: string;
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

/** Folder where `scripts/build-kube-apiserver.sh` caches what it builds. */
export function kubeoidcCacheDir(env: NodeJS.ProcessEnv): string {
  return env['KUBEOIDC_CACHE'] ?? join(env['HOME'] ?? homedir(), '.cache', 'kubeoidc');
}

/**
 * Resolves both binaries, or throws an Error that names each missing binary, where it was looked for, and how to get
 * it.
 */
export function findKubeBinaries(
  env: NodeJS.ProcessEnv = process.env,
  isExecutable: IsExecutable = isExecutableFile,
): KubeBinaries {
  const assets = env['KUBEBUILDER_ASSETS'];
  const fromAssets = (name: string): string[] => (assets ? [join(assets, name)] : []);
  const onPath = (name: string): string[] =>
    (env['PATH'] ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, name));

  const apiserverCandidates = [
    ...fromAssets('kube-apiserver'),
    ...(env['KUBE_APISERVER'] ? [env['KUBE_APISERVER']] : []),
    join(kubeoidcCacheDir(env), 'bin', 'kube-apiserver'),
  ];
  const etcdCandidates = [...fromAssets('etcd'), ...(env['ETCD'] ? [env['ETCD']] : []), ...onPath('etcd')];

  const kubeApiserver = apiserverCandidates.find(isExecutable);
  const etcd = etcdCandidates.find(isExecutable);
  const problems: string[] = [];
  if (kubeApiserver === undefined) {
    problems.push(
      `kube-apiserver not found (looked at ${apiserverCandidates.join(', ')}). ` +
        'Build it once with `bash scripts/build-kube-apiserver.sh` (caches it outside the repo), ' +
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
