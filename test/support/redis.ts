/**
 * Real Redis servers for tests: Debian's `redis-server` on free loopback ports, no persistence, in a temp dir that is
 * removed on stop. Standalone here; Sentinel and Cluster in `redis-sentinel.ts` and `redis-cluster.ts` (re-exported).
 *
 * ```ts
 * let redis: RedisServer;
 * before(async () => { redis = await startRedis(); });
 * after(() => redis?.stop());
 * ```
 */
import { freePort } from './free-port.ts';
import { baseArgs, isAddressInUse, RedisGroup } from './redis-node.ts';

export { startRedisSentinel, type RedisSentinel } from './redis-sentinel.ts';
export { startRedisCluster, type RedisCluster } from './redis-cluster.ts';

/** A running standalone Redis. */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Kills the server and removes its temp dir. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface RedisOptions {
  /** Listen on this port instead of a free one (e.g. to bring a stopped server back on the same address). */
  readonly port?: number;
  /** Extra `redis-server` flags, after the harness's own. */
  readonly args?: readonly string[];
}

/** Starts `redis-server` and resolves once it answers PING. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const group = new RedisGroup('redis');
    try {
      await group.start('redis-server', [...baseArgs(port, group.dir), ...(options.args ?? [])], port);
      return { url: `redis://127.0.0.1:${port}`, port, stop: () => group.stop() };
    } catch (error) {
      await group.stop();
      // A free port can be taken between the probe and the bind: try another once (not when one was asked for).
      if (options.port !== undefined || attempt >= 2 || !isAddressInUse(error)) throw error;
    }
  }
}
