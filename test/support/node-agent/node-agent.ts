/**
 * A node for the test cluster without a container runtime: registers a Node and does the kubelet's and kube-proxy's
 * job with local processes. Pods scheduled to the Node run as processes, each container in private mount and pid
 * namespaces inside the pod's network namespace, from an image map (`images.ts`), with its volumes at their mount
 * paths; each pod has a loopback address; probes drive real Pod status; Services get a loopback proxy and names in
 * every pod's /etc/hosts.
 *
 * ```ts
 * let cp: ControlPlane; let node: NodeAgent;
 * before(async () => { cp = await startControlPlane(); node = await startNodeAgent(cp); });
 * after(async () => { await node?.stop(); await cp?.stop(); });
 * ```
 *
 * Everything it starts stops with `stop()`, and also when the test process dies, even by SIGKILL (`supervisor.ts`).
 * Needs root (mount namespaces), `unshare`, `nsenter`, `setpriv` (util-linux) and `ip` (iproute2).
 */
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimAddressBlock } from './addresses.ts';
import type { RestartBackoff } from './container-slot.ts';
import { defaultImageMap, type ImageMap } from './images.ts';
import { callApi, type ApiEndpoint, type List } from './kube-api.ts';
import { registerNode } from './node-registration.ts';
import { PodRunner, type PodRunnerContext } from './pod-runner.ts';
import { startDataPlane } from './proxy-process.ts';
import { ServiceProxies, type EndpointSlice } from './service-proxy.ts';
import { Supervisor } from './supervisor.ts';

export {
  KUBEOIDC_IMAGE,
  NODE_IMAGE,
  REDIS_IMAGE,
  kubeoidcImage,
  nodeImage,
  redisImage,
  type Image,
  type ImageMap,
} from './images.ts';

/** Options of {@link startNodeAgent}. */
export interface NodeAgentOptions {
  /** Node name (default `kubeoidc-node-<random>`). */
  readonly nodeName?: string;
  /** Image reference → what runs (default: the kubeoidc image built from this checkout, and Redis). */
  readonly images?: (buildDir: string) => ImageMap;
  /** Back-off before restarting an exited container (default 1 s doubling to 10 s; the kubelet's is 10 s to 5 min). */
  readonly restartBackoff?: RestartBackoff;
  /** How often the agent reconciles pods and Services (default 500 ms). */
  readonly syncIntervalMs?: number;
}

/** A running node agent. */
export interface NodeAgent {
  readonly nodeName: string;
  /** The agent's working directory (pods, logs, the built images); removed on stop. */
  readonly agentDir: string;
  /** The loopback address of a pod on this node. */
  podIP(namespace: string, name: string): string | undefined;
  /** The loopback address of a Service's proxy. */
  serviceAddress(namespace: string, name: string): string | undefined;
  /** Everything a pod's container printed, over all its runs (for diagnostics). */
  logs(namespace: string, pod: string, container: string): string;
  /** Prepares an image of the map ahead of its first pod (the kubeoidc image compiles the checkout: tens of seconds). */
  pullImage(image: string): Promise<void>;
  /** The agent's own log: pod sync errors (why a pod does not start, a status write that failed). */
  agentLog(): string;
  /** Kills every pod process, closes the proxies, deregisters the Node. Safe to call more than once. */
  stop(): Promise<void>;
}

function tempBase(): string {
  try {
    const stats = statfsSync('/dev/shm');
    if (stats.bavail * stats.bsize >= 1024 * 1024 * 1024) return '/dev/shm';
  } catch {
    // no /dev/shm
  }
  return tmpdir();
}

/** Registers a Node on the control plane `api` and runs the pods scheduled to it until `stop()`. */
export async function startNodeAgent(api: ApiEndpoint, options: NodeAgentOptions = {}): Promise<NodeAgent> {
  const nodeName = options.nodeName ?? `kubeoidc-node-${Math.random().toString(36).slice(2, 8)}`;
  const dir = mkdtempSync(join(tempBase(), 'kubeoidc-node-'));
  const podsDir = join(dir, 'pods');
  const logsDir = join(dir, 'logs');
  mkdirSync(podsDir);
  mkdirSync(logsDir);
  mkdirSync(join(dir, 'images'));
  const supervisor = new Supervisor(dir);
  const addresses = claimAddressBlock();
  const hostIP = '127.0.0.1';
  const runners = new Map<string, PodRunner>();
  const images = (options.images ?? defaultImageMap)(join(dir, 'images'));

  const proxies = new ServiceProxies(addresses, new URL(api.server));
  // Connections between pods and to Services go through a process of its own (`proxy-main.ts`), never this one's
  // event loop, which the pod syncs and the test itself keep busy.
  const dataPlane = await startDataPlane(supervisor, dir);
  const outSocket = dataPlane.outSocket;

  const context: PodRunnerContext = {
    api,
    supervisor,
    images,
    addresses,
    podsDir,
    logsDir,
    hostIP,
    outSocket,
    backoff: options.restartBackoff ?? { initialMs: 1000, maxMs: 10_000 },
    services: () => ({ names: proxies.names(), ports: proxies.ports() }),
    serviceLinks: (namespace) => proxies.linkEnv(namespace),
    kubernetesService: () => ({ host: 'kubernetes.default.svc', port: 443 }),
  };

  const registration = await registerNode(api, nodeName, hostIP);
  const syncing = new Map<string, Promise<void>>();
  const agentLog = join(dir, 'agent.log');
  const tick = async (): Promise<void> => {
    const [services, slices, pods] = await Promise.all([
      callApi<List<V1Service>>(api, 'GET', '/api/v1/services'),
      callApi<List<EndpointSlice>>(api, 'GET', '/apis/discovery.k8s.io/v1beta1/endpointslices'),
      callApi<List<V1Pod>>(api, 'GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${nodeName}`)}`),
    ]);
    proxies.sync(services.items, slices.items);
    const present = new Set<string>();
    for (const pod of pods.items) {
      const uid = pod.metadata?.uid ?? '';
      present.add(uid);
      let runner = runners.get(uid);
      if (runner === undefined) {
        runner = new PodRunner(context, pod);
        runners.set(uid, runner);
      }
      runner.pod = pod;
    }
    for (const [uid, runner] of runners) {
      // Deleted without grace (or by someone else): stop at once.
      if (!present.has(uid) && !syncing.has(uid)) {
        runners.delete(uid);
        void runner.terminate(0);
        continue;
      }
      if (runner.done) {
        runners.delete(uid);
        continue;
      }
      if (syncing.has(uid)) continue;
      const sync = runner
        .sync()
        .catch((error: unknown) => {
          appendLog(
            agentLog,
            `pod ${runner.namespace}/${runner.name}: ${error instanceof Error ? error.message : String(error)}`,
          );
        })
        .finally(() => syncing.delete(uid));
      syncing.set(uid, sync);
    }
    // Newer runners last: a pod address given back and handed out again leads to the pod that has it now.
    const sandboxes = new Map<string, string>();
    for (const runner of runners.values()) {
      const socket = runner.inSocket;
      if (runner.podIP !== undefined && socket !== undefined) sandboxes.set(runner.podIP, socket);
    }
    dataPlane.route(proxies.routes((ip) => sandboxes.get(ip)));
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const loop = (): void => {
    current = tick()
      .catch((error: unknown) => {
        appendLog(agentLog, `sync: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.syncIntervalMs ?? 500);
      });
  };
  loop();

  let stopping: Promise<void> | undefined;
  return {
    nodeName,
    agentDir: dir,
    podIP(namespace, name) {
      for (const runner of runners.values())
        if (runner.namespace === namespace && runner.name === name) return runner.podIP;
      return undefined;
    },
    serviceAddress: (namespace, name) => proxies.address(namespace, name),
    logs(namespace, pod, container) {
      const podLogs = join(logsDir, `${namespace}_${pod}`);
      let files: string[];
      try {
        files = readdirSync(podLogs).filter((file) => file.startsWith(`${container}-`));
      } catch {
        return '';
      }
      const run = (file: string): number => Number(file.slice(container.length + 1, -'.log'.length));
      return files
        .sort((a, b) => run(a) - run(b))
        .map((file) => readFileSync(join(podLogs, file), 'utf8'))
        .join('');
    },
    async pullImage(image) {
      const entry = images[image];
      if (entry === undefined) throw new Error(`image ${image} is not in the node agent's image map`);
      await entry.pull();
    },
    agentLog() {
      try {
        return readFileSync(agentLog, 'utf8');
      } catch {
        return '';
      }
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await current;
        // A sync may be waiting for an image build; it ends before the directory goes (it starts nothing any more).
        await supervisor.stop();
        await Promise.all(syncing.values());
        await Promise.all([...runners.values()].map((runner) => runner.terminate(0)));
        runners.clear();
        await dataPlane.stop();
        proxies.close();
        await registration.stop();
        addresses.close();
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function appendLog(path: string, line: string): void {
  try {
    appendFileSync(path, `${new Date().toISOString()} ${line}\n`);
  } catch {
    // the agent's directory is being removed
  }
}
