import type { Redis } from 'ioredis';
import type { ModelName, ModelTypes } from '../../models/types.ts';
import type { Clock } from '../../time/clock.ts';
import { StorageUnavailableError, type Adapter, type RecordsOf, type Storage } from '../adapter.ts';
import { redisAdapter } from './adapter.ts';
import { coalesceWrites } from './coalesce-writes.ts';
import {
  commandDeadlineMs,
  createRedisClient,
  type ConnectionTuning,
  type RedisClient,
  type RedisStorageOptions,
} from './connect.ts';
import { withinDeadline } from './deadline.ts';
import { guarded } from './errors.ts';
import { modelKeys } from './keys.ts';

/** Options of {@link RedisStorage.open}. */
export interface RedisStorageOpenOptions extends ConnectionTuning {
  clock: Clock;
  /**
   * Called when Redis becomes reachable (`true`) or unreachable (`false`, with the reason) — once per change, not
   * per failed reconnection attempt, so it suits logs. ioredis reconnects by itself either way.
   */
  onAvailabilityChange?: (available: boolean, reason?: string) => void;
  /** How long `open` waits for the first connection before returning an unready storage (ms, default 5000). */
  connectWaitMs?: number;
}

/**
 * Storage in Redis (standalone, Sentinel or Cluster) for multi-replica deployments: every key has a TTL, `consume` is
 * one Lua script, and an unreachable Redis makes operations reject at once with {@link StorageUnavailableError}
 * while the client reconnects in the background.
 */
export class RedisStorage implements Storage {
  readonly #client: RedisClient;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #deadlineMs: number;
  #lastError: Error | undefined;

  private constructor(client: RedisClient, prefix: string, clock: Clock, deadlineMs: number) {
    this.#client = client;
    this.#prefix = prefix;
    this.#clock = clock;
    this.#deadlineMs = deadlineMs;
  }

  /**
   * Creates the client and waits (up to `connectWaitMs`) for it to connect. A Redis that is down at start does not
   * fail the start: the storage is returned unready (`ping` rejects) and becomes ready when Redis appears.
   */
  static async open(options: RedisStorageOptions, openOptions: RedisStorageOpenOptions): Promise<RedisStorage> {
    const client = createRedisClient(options, openOptions);
    if (!client.isCluster) coalesceWrites(client as Redis);
    const storage = new RedisStorage(
      client,
      options.keyPrefix,
      openOptions.clock,
      commandDeadlineMs(options, openOptions),
    );
    let available: boolean | undefined;
    const report = (now: boolean, reason?: string): void => {
      if (available === now) return;
      available = now;
      openOptions.onAvailabilityChange?.(now, reason);
    };
    client.on('ready', () => {
      report(true);
    });
    client.on('error', (error: Error) => {
      storage.#lastError = error;
      report(false, error.message);
    });
    client.on('close', () => {
      if (available) report(false, 'connection closed');
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.connect().catch(() => undefined),
      new Promise((resolve) => {
        timer = setTimeout(resolve, openOptions.connectWaitMs ?? 5000);
      }),
    ]);
    clearTimeout(timer);
    return storage;
  }

  /** The underlying ioredis client (tests inspect keys through it). */
  get client(): RedisClient {
    return this.#client;
  }

  adapter<M extends ModelName>(model: M): Adapter<ModelTypes[M]> {
    return redisAdapter(this.#client, this.#prefix, model, this.#clock);
  }

  /** One `MGET` on a single master; on a Cluster the keys live in different slots, so one `GET` each, sent at once. */
  async findEach<const M extends readonly ModelName[]>(models: M, id: string): Promise<RecordsOf<M>> {
    const client = this.#client;
    const keys = models.map((model) => modelKeys(this.#prefix, model).record(id));
    const values = await guarded(() =>
      client.isCluster ? Promise.all(keys.map((key) => client.get(key))) : client.mget(keys),
    );
    return values.map((json): unknown => (json === null ? undefined : JSON.parse(json))) as RecordsOf<M>;
  }

  /**
   * Resolves when Redis answers. For a cluster, every known master must answer and report `cluster_state:ok`: once a
   * master is lost the survivors still answer PING, but refuse every command (CLUSTERDOWN) until its slots are
   * served again, so a PING alone would report a useless cluster as ready.
   */
  async ping(): Promise<void> {
    if (this.#client.status !== 'ready') {
      const reason = this.#lastError ? `: ${this.#lastError.message}` : '';
      throw new StorageUnavailableError(`redis not connected (${this.#client.status})${reason}`);
    }
    const client = this.#client;
    await guarded(async () => {
      if (!('nodes' in client)) {
        await client.ping();
        return;
      }
      // Sent to each node directly, past the Cluster client's command deadline: bounded here.
      const states = await Promise.all(
        client.nodes('master').map((node) => withinDeadline(node.cluster('INFO'), this.#deadlineMs)),
      );
      const failing = states.filter((info) => !info.includes('cluster_state:ok')).length;
      if (failing > 0 || states.length === 0) {
        throw new StorageUnavailableError(`redis cluster state is not ok on ${failing} of ${states.length} masters`);
      }
    });
  }

  async close(): Promise<void> {
    try {
      await this.#client.quit();
    } catch {
      // Not connected: nothing to say goodbye to.
    }
    this.#client.disconnect();
  }
}
