/**
 * A three-master Redis Cluster (`--cluster-enabled yes`, no replicas) created with `redis-cli --cluster create`, for
 * the Cluster mode of the Redis storage. Each node needs its port and the cluster bus port (port + 10000) free.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.ts';
import type { LoggedProcess } from './processes.ts';
import { baseArgs, isAddressInUse, portIsFree, RedisGroup, redisBinary, redisCli } from './redis-node.ts';

/** A running cluster. */
export interface RedisCluster {
  /** `redis://127.0.0.1:PORT` of the first node. */
  readonly url: string;
  /** Port of the first node. */
  readonly port: number;
  /** `127.0.0.1:PORT` of every node (seed nodes for clients). */
  readonly nodes: readonly string[];
  readonly ports: readonly number[];
  /** Kills the node listening on `port` (SIGKILL), e.g. to see how clients cope with a lost master. */
  killNode(port: number): Promise<void>;
  /** Kills every node and removes the temp dir. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Starts the nodes, joins them into a cluster and resolves once every node reports `cluster_state:ok`. */
export async function startRedisCluster(options: { masters?: number } = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  for (let attempt = 1; ; attempt++) {
    const group = new RedisGroup('redis-cluster');
    try {
      const ports = await clusterPorts(masters);
      const processes = new Map<number, LoggedProcess>();
      for (const port of ports) {
        const dir = group.subdir(String(port));
        const args = [
          ...baseArgs(port, dir),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
        ];
        processes.set(port, await group.start(`redis-node-${port}`, args, port));
      }
      await createCluster(ports);
      await waitForClusterOk(ports);
      return {
        url: `redis://127.0.0.1:${ports[0]}`,
        port: ports[0] ?? 0,
        nodes: ports.map((port) => `127.0.0.1:${port}`),
        ports,
        killNode: async (port) => {
          const proc = processes.get(port);
          if (proc) await group.kill(proc);
        },
        stop: () => group.stop(),
      };
    } catch (error) {
      await group.stop();
      if (attempt >= 2 || !isAddressInUse(error)) throw error;
    }
  }
}

/** Distinct ports whose bus port (+10000) is valid and free too. */
async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    const taken = ports.some((p) => p === port || p + 10000 === port || p === port + 10000);
    if (!taken && port + 10000 <= 65535 && (await portIsFree(port + 10000))) ports.push(port);
  }
  return ports;
}

function createCluster(ports: readonly number[]): Promise<void> {
  const args = ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0'];
  return new Promise((resolve, reject) => {
    execFile(redisBinary('redis-cli'), [...args, '--cluster-yes'], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli --cluster create failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve();
    });
  });
}

async function waitForClusterOk(ports: readonly number[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (const port of ports) {
    for (;;) {
      const info = await redisCli(port, ['CLUSTER', 'INFO']);
      if (info?.includes('cluster_state:ok')) break;
      if (Date.now() > deadline) throw new Error(`cluster node ${port} not ok:\n${info ?? '(no answer)'}`);
      await sleep(100);
    }
  }
}
