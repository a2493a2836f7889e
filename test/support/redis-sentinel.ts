/**
 * A Redis master watched by one Sentinel (`redis-server sentinel.conf --sentinel`), for the Sentinel mode of the
 * Redis storage. Sentinel rewrites its config file, so each run writes a fresh one into its own temp dir.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.ts';
import { baseArgs, isAddressInUse, RedisGroup, redisCli } from './redis-node.ts';

/** A running master + sentinel. */
export interface RedisSentinel {
  /** `redis://127.0.0.1:PORT` of the master (direct access, e.g. for inspection). */
  readonly url: string;
  /** The master's port. */
  readonly port: number;
  /** Name the sentinel monitors the master under. */
  readonly masterName: string;
  /** `127.0.0.1:PORT` of the sentinel(s). */
  readonly sentinels: readonly string[];
  /** Ports of the replicas (`replicas` option). */
  readonly replicaPorts: readonly number[];
  /** Kills the first master (SIGKILL) so that the sentinel fails over to a replica (≈ 2 s). Safe to call twice. */
  killMaster(): Promise<void>;
  /** Kills master and sentinel and removes the temp dir. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Options of {@link startRedisSentinel}. */
export interface RedisSentinelOptions {
  /** Master name (default `kubeoidc`). */
  readonly masterName?: string;
  /** Replicas of the master, for failover tests (default 0). */
  readonly replicas?: number;
}

/** Starts a master (and replicas) and one sentinel; resolves once the sentinel knows them all. */
export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinel> {
  const masterName = options.masterName ?? 'kubeoidc';
  const replicas = options.replicas ?? 0;
  for (let attempt = 1; ; attempt++) {
    const group = new RedisGroup('redis-sentinel');
    try {
      const [port = 0, sentinelPort = 0, ...replicaPorts] = await distinctFreePorts(2 + replicas);
      // Replicas sync diskless; the default 5 s delay (waiting for more replicas to join) only slows the tests.
      const masterArgs = [...baseArgs(port, group.subdir('master')), '--repl-diskless-sync-delay', '0'];
      const master = await group.start('redis-master', masterArgs, port);
      for (const replicaPort of replicaPorts) {
        const args = [...baseArgs(replicaPort, group.subdir(`replica-${replicaPort}`)), '--replicaof', '127.0.0.1'];
        await group.start(`redis-replica-${replicaPort}`, [...args, String(port)], replicaPort);
        await waitFor(`replica ${replicaPort} in sync`, async () =>
          (await redisCli(replicaPort, ['INFO', 'replication']))?.includes('master_link_status:up'),
        );
      }
      const conf = join(group.dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `port ${sentinelPort}`,
          'bind 127.0.0.1',
          `dir ${group.subdir('sentinel')}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${port} 1`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 3000`,
          '',
        ].join('\n'),
      );
      await group.start('redis-sentinel', [conf, '--sentinel'], sentinelPort);
      await waitForMaster(sentinelPort, masterName, port);
      await waitFor('sentinel to see the replicas', async () => {
        const reply = await redisCli(sentinelPort, ['SENTINEL', 'replicas', masterName]);
        return replicaPorts.every((p) => reply?.split('\n').includes(String(p)));
      });
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        masterName,
        sentinels: [`127.0.0.1:${sentinelPort}`],
        replicaPorts,
        killMaster: () => group.kill(master),
        stop: () => group.stop(),
      };
    } catch (error) {
      await group.stop();
      if (attempt >= 2 || !isAddressInUse(error)) throw error;
    }
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function waitFor(what: string, check: () => Promise<boolean | undefined>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function waitForMaster(sentinelPort: number, masterName: string, port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const reply = await redisCli(sentinelPort, ['SENTINEL', 'get-master-addr-by-name', masterName]);
    if (reply?.split('\n').map((line) => line.trim())[1] === String(port)) return;
    if (Date.now() > deadline) throw new Error(`sentinel does not report master ${masterName}: ${reply ?? '(none)'}`);
    await sleep(50);
  }
}
