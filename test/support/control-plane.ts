/**
 * A real Kubernetes control plane for tests: Debian's `etcd` and a `kube-apiserver` (v1.20.2 built from Debian's
 * source package, or whatever `KUBEBUILDER_ASSETS` provides), on free loopback ports, in a temp dir.
 *
 * There is no controller-manager and no kubelet (ENVIRONMENT.md): no garbage collection, no pods, no ServiceAccount
 * tokens. Clients authenticate as `admin` (group `system:masters`) with a random static token.
 *
 * ```ts
 * let cp: ControlPlane;
 * before(async () => { cp = await startControlPlane(); });
 * after(() => cp?.stop());
 * ```
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, statfsSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { freePort } from './free-port.ts';
import { findKubeBinaries, type KubeBinaries } from './kube-binaries.ts';
import { isListening } from './listeners.ts';
import {
  killHard,
  logTail,
  onProcessExit,
  removeDir,
  startLogged,
  startWatchdog,
  type LoggedProcess,
} from './processes.ts';

export { applyManifest, kubectl, runKubectl, tryApplyManifest } from './kubectl.ts';

/** A running control plane. */
export interface ControlPlane {
  /** API server URL, `https://127.0.0.1:PORT` (self-signed certificate). */
  readonly server: string;
  /** Bearer token of the `admin` user (group `system:masters`). */
  readonly token: string;
  /** Kubeconfig file for `admin` (context `kubeoidc-test`, namespace `default`, TLS verification off). */
  readonly kubeconfigPath: string;
  /** A fresh client-node KubeConfig loaded from {@link kubeconfigPath}. */
  kubeConfig(): KubeConfig;
  /** Kills etcd and kube-apiserver and removes the temp dir. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Extra kube-apiserver flags, appended after the harness's own (a later flag wins). */
  readonly apiServerArgs?: readonly string[];
  /** How long to wait for `/readyz` (default 90 s; the server is usually ready in about 10 s). */
  readonly readyTimeoutMs?: number;
}

/** Starts etcd and kube-apiserver and waits until the API server is ready. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = findKubeBinaries();
  // Ports are picked before the servers bind them; another process may win the race, so try again once.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binaries, options);
    } catch (error) {
      if (attempt >= 2 || !(error instanceof Error) || !/address already in use/i.test(error.message)) throw error;
    }
  }
}

async function startOnce(binaries: KubeBinaries, options: ControlPlaneOptions): Promise<ControlPlane> {
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
    const [etcdPort, peerPort, apiPort] = await distinctFreePorts(3);
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
    await waitUntil(
      apiserver,
      options.readyTimeoutMs ?? 90_000,
      async () =>
        isListening(apiserver.child.pid ?? -1, apiPort) && (await httpStatus(`${server}/readyz`, token)) === 200,
    );

    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfigYaml(server, token), { mode: 0o600 });
    return {
      server,
      token,
      kubeconfigPath,
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

/** Polls `ready` every 200 ms; fails early with the process's log when it exits, or after `timeoutMs`. */
async function waitUntil(proc: LoggedProcess, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.hasExited()) {
      throw new Error(`${proc.name} exited during start-up; log ${proc.logPath}:\n${logTail(proc.logPath)}`);
    }
    if (await ready()) return;
    if (Date.now() > deadline) {
      throw new Error(`${proc.name} not ready after ${timeoutMs} ms; log ${proc.logPath}:\n${logTail(proc.logPath)}`);
    }
    await sleep(200);
  }
}

/** GETs `url` and returns the status code, or 0 when nothing answers. TLS is not verified (self-signed). */
function httpStatus(url: string, token?: string): Promise<number> {
  return new Promise((resolve) => {
    const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const onResponse = (res: { statusCode?: number | undefined; resume(): void }): void => {
      res.resume();
      resolve(res.statusCode ?? 0);
    };
    const req = url.startsWith('https:')
      ? request(url, { method: 'GET', headers, rejectUnauthorized: false, timeout: 2000 }, onResponse).end()
      : httpGet(url, { headers, timeout: 2000 }, onResponse);
    req.on('timeout', () => req.destroy());
    req.on('error', () => {
      resolve(0);
    });
  });
}
