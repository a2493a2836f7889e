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
  /** Kills master and sentinel and removes the temp dir. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Starts a master and one sentinel; resolves once the sentinel reports the master's address. */
export async function startRedisSentinel(options: { masterName?: string } = {}): Promise<RedisSentinel> {
  const masterName = options.masterName ?? 'kubeoidc';
  for (let attempt = 1; ; attempt++) {
    const group = new RedisGroup('redis-sentinel');
    try {
      const port = await freePort();
      let sentinelPort = await freePort();
      while (sentinelPort === port) sentinelPort = await freePort();
      await group.start('redis-master', baseArgs(port, group.subdir('master')), port);
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
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        masterName,
        sentinels: [`127.0.0.1:${sentinelPort}`],
        stop: () => group.stop(),
      };
    } catch (error) {
      await group.stop();
      if (attempt >= 2 || !isAddressInUse(error)) throw error;
    }
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
