/**
 * A real Kubernetes control plane for tests: Debian's `etcd` and a `kube-apiserver` (v1.20.2 built from Debian's
 * source package by `scripts/build-kube.sh`, or whatever `KUBEBUILDER_ASSETS` provides), on free loopback ports, in a
 * temp dir. Clients authenticate as `admin` (group `system:masters`) with a random static token.
 *
 * By default only the API server runs (fast: most tests need nothing else): no garbage collection, no ReplicaSets,
 * no ServiceAccount tokens. With `controllerManager: true` the controllers of `controller-manager.ts` run too, with
 * `scheduler: true` the scheduler binds Pods to Nodes. There is never a kubelet: Pods run only when a test starts a
 * node agent.
 *
 * ```ts
 * let cp: ControlPlane;
 * before(async () => { cp = await startControlPlane({ controllerManager: true, scheduler: true }); });
 * after(() => cp?.stop());
 * ```
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { writeClusterCa } from './cluster-ca.ts';
import { controllerManagerArgs, DEFAULT_CONTROLLERS } from './controller-manager.ts';
import { freePort } from './free-port.ts';
import {
  findControllerBinaries,
  findKubeBinaries,
  type ControllerBinaries,
  type KubeBinaries,
} from './kube-binaries.ts';
import { isListening } from './listeners.ts';
import {
  killHard,
  onProcessExit,
  removeDir,
  startLogged,
  startWatchdog,
  type LoggedProcess,
  type Watchdog,
} from './processes.ts';
import { httpStatus, waitUntil } from './readiness.ts';
import { schedulerArgs } from './scheduler.ts';

export { applyManifest, kubectl, runKubectl, tryApplyManifest } from './kubectl.ts';

/** A running control plane. */
export interface ControlPlane {
  /** API server URL, `https://127.0.0.1:PORT` (self-signed certificate). */
  readonly server: string;
  /** Bearer token of the `admin` user (group `system:masters`). */
  readonly token: string;
  /** Kubeconfig file for `admin` (context `kubeoidc-test`, namespace `default`, TLS verification off). */
  readonly kubeconfigPath: string;
  /**
   * PEM of the CA that signed the API server's certificate (valid for 127.0.0.1 and `kubernetes.default.svc`): what
   * a cluster hands pods as `ca.crt`.
   */
  readonly caPath: string;
  /** Log file of each running component, by name (`etcd`, `kube-apiserver`, `kube-controller-manager` …). */
  readonly logPaths: Readonly<Record<string, string>>;
  /** A fresh client-node KubeConfig loaded from {@link kubeconfigPath}. */
  kubeConfig(): KubeConfig;
  /** Kills every component and removes the temp dir. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Extra kube-apiserver flags, appended after the harness's own (a later flag wins). */
  readonly apiServerArgs?: readonly string[];
  /** How long to wait for each component's readiness (default 90 s; the API server is usually ready in ≈ 10 s). */
  readonly readyTimeoutMs?: number;
  /** Also run kube-controller-manager (default false). */
  readonly controllerManager?: boolean;
  /** The controllers it runs (default {@link DEFAULT_CONTROLLERS}). */
  readonly controllers?: readonly string[];
  /** Also run kube-scheduler (default false). */
  readonly scheduler?: boolean;
}

/** Starts etcd and kube-apiserver and waits until the API server is ready. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = findKubeBinaries();
  // Resolved up front: a missing binary fails before anything starts.
  const controllerBinaries =
    options.controllerManager === true || options.scheduler === true ? findControllerBinaries() : undefined;
  // Ports are picked before the servers bind them; another process may win the race, so try again once.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binaries, controllerBinaries, options);
    } catch (error) {
      if (attempt >= 2 || !(error instanceof Error) || !/address already in use/i.test(error.message)) throw error;
    }
  }
}

async function startOnce(
  binaries: KubeBinaries,
  controllerBinaries: ControllerBinaries | undefined,
  options: ControlPlaneOptions,
): Promise<ControlPlane> {
  const dir = mkdtempSync(join(tempBase(), 'kubeoidc-cp-'));
  const watchdog = startWatchdog(dir);
  const processes: LoggedProcess[] = [];
  const killAllNow = (): void => {
    for (const p of processes) if (!p.hasExited()) p.child.kill('SIGKILL');
    removeDir(dir);
  };
  const unregisterExitHook = onProcessExit(killAllNow);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // The API server first, so it does not log a storm of etcd errors while going down.
      for (const p of [...processes].reverse()) await killHard(p);
      removeDir(dir);
      watchdog.dismiss();
      unregisterExitHook();
    })();
    return stopping;
  };

  try {
    const token = randomBytes(24).toString('hex');
    const files = writeCredentials(dir, token);
    const [etcdPort, peerPort, apiPort, managerPort, schedulerPort] = await distinctFreePorts(5);
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;

    const etcd = startLogged('etcd', binaries.etcd, etcdArgs(dir, etcdUrl, peerUrl), join(dir, 'etcd.log'));
    processes.push(etcd);
    watchdog.guard(etcd.child.pid);
    await waitUntil(
      etcd,
      30_000,
      async () => isListening(etcd.child.pid ?? -1, etcdPort) && (await httpStatus(`${etcdUrl}/health`)) === 200,
    );

    const args = [...apiServerArgs(dir, etcdUrl, apiPort, files), ...(options.apiServerArgs ?? [])];
    const apiserver = startLogged('kube-apiserver', binaries.kubeApiserver, args, join(dir, 'kube-apiserver.log'));
    processes.push(apiserver);
    watchdog.guard(apiserver.child.pid);
    const server = `https://127.0.0.1:${apiPort}`;
    const timeoutMs = options.readyTimeoutMs ?? 90_000;
    await waitUntil(
      apiserver,
      timeoutMs,
      async () =>
        isListening(apiserver.child.pid ?? -1, apiPort) && (await httpStatus(`${server}/readyz`, token)) === 200,
    );

    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfigYaml(server, token), { mode: 0o600 });
    const caPath = join(dir, 'ca.crt');
    writeClusterCa(join(dir, 'certs'), caPath);

    const component: ComponentStarter = { dir, token, timeoutMs, watchdog, processes };
    if (options.controllerManager === true && controllerBinaries !== undefined) {
      const args = controllerManagerArgs({
        dir,
        kubeconfigPath,
        port: managerPort,
        serviceAccountPrivateKeyPath: files.saPrivateKey,
        rootCaPath: caPath,
        controllers: options.controllers ?? DEFAULT_CONTROLLERS,
      });
      await startComponent(
        component,
        'kube-controller-manager',
        controllerBinaries.kubeControllerManager,
        args,
        managerPort,
      );
    }
    if (options.scheduler === true && controllerBinaries !== undefined) {
      const args = schedulerArgs({ dir, kubeconfigPath, port: schedulerPort });
      await startComponent(component, 'kube-scheduler', controllerBinaries.kubeScheduler, args, schedulerPort);
    }
    return {
      server,
      token,
      kubeconfigPath,
      caPath,
      logPaths: Object.fromEntries(processes.map((p) => [p.name, p.logPath])),
      kubeConfig() {
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfigPath);
        return kc;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What {@link startComponent} needs from the control plane being started. */
interface ComponentStarter {
  readonly dir: string;
  readonly token: string;
  readonly timeoutMs: number;
  readonly watchdog: Watchdog;
  readonly processes: LoggedProcess[];
}

/** Starts a component serving HTTPS `/healthz` on `port` and waits until it answers 200 to the admin token. */
async function startComponent(
  cp: ComponentStarter,
  name: string,
  binary: string,
  args: readonly string[],
  port: number,
): Promise<void> {
  const proc = startLogged(name, binary, args, join(cp.dir, `${name}.log`));
  cp.processes.push(proc);
  cp.watchdog.guard(proc.child.pid);
  await waitUntil(
    proc,
    cp.timeoutMs,
    async () =>
      isListening(proc.child.pid ?? -1, port) &&
      (await httpStatus(`https://127.0.0.1:${port}/healthz`, cp.token)) === 200,
  );
}

/**
 * etcd fsyncs on every write, so a RAM-backed /dev/shm keeps the tests fast; but etcd also preallocates 64 MB WAL
 * files, and some environments (containers) give /dev/shm only 64 MB: use it only when it has room.
 */
function tempBase(): string {
  try {
    const stats = statfsSync('/dev/shm');
    if (stats.bavail * stats.bsize >= 1024 * 1024 * 1024) return '/dev/shm';
  } catch {
    // no /dev/shm
  }
  return tmpdir();
}

interface CredentialFiles {
  tokens: string;
  saPublicKey: string;
  saPrivateKey: string;
}

/** Static token file and the service-account key pair the API server requires. */
function writeCredentials(dir: string, token: string): CredentialFiles {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const files = {
    tokens: join(dir, 'tokens.csv'),
    saPublicKey: join(dir, 'sa.pub'),
    saPrivateKey: join(dir, 'sa.key'),
  };
  writeFileSync(files.tokens, `${token},admin,admin,system:masters\n`, { mode: 0o600 });
  writeFileSync(files.saPublicKey, publicKey);
  writeFileSync(files.saPrivateKey, privateKey, { mode: 0o600 });
  return files;
}

function etcdArgs(dir: string, clientUrl: string, peerUrl: string): string[] {
  return [
    '--name=kubeoidc-test',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=kubeoidc-test=${peerUrl}`,
  ];
}

/** The flags ENVIRONMENT.md verified, plus `--endpoint-reconciler-type=none` (loopback endpoints are invalid). */
function apiServerArgs(dir: string, etcdUrl: string, port: number, files: CredentialFiles): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    `--secure-port=${port}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--cert-dir=${join(dir, 'certs')}`,
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${files.saPublicKey}`,
    `--service-account-signing-key-file=${files.saPrivateKey}`,
    `--token-auth-file=${files.tokens}`,
    '--authorization-mode=RBAC',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    '--insecure-port=0',
    '--endpoint-reconciler-type=none',
  ];
}

function kubeconfigYaml(server: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubeoidc-test', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'kubeoidc-test', context: { cluster: 'kubeoidc-test', user: 'admin', namespace: 'default' } }],
    'current-context': 'kubeoidc-test',
  });
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
