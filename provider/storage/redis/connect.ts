/**
 * Opens the ioredis client for the configured topology (standalone URL, Sentinel, Cluster) with settings that make
 * an outage visible at once instead of queueing requests: no offline queue (a command while disconnected rejects
 * immediately), no per-request retries (an in-flight `consume` is never silently re-sent after it may have run),
 * a 1 s connect timeout, a per-command deadline (`commandTimeoutMs`, default 1 s; `deadline.ts`, not ioredis'
 * `commandTimeout`, which rejected replies that had arrived while the event loop was busy), and reconnection forever
 * at most a second apart, so service resumes by itself.
 */
import { Cluster, Redis, type ClusterNode, type Command, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { StorageOptions } from '../../config/options.ts';
import { armCommandDeadline } from './deadline.ts';
import { ADD_TO_SET, CONSUME, CONSUME_IF, DELETE_IF_EQUALS, DELETE_IF_FIELD, WRITE } from './scripts.ts';

export type RedisStorageOptions = Extract<StorageOptions, { type: 'redis' }>;

/** The scripts of `scripts.ts`, defined on the client (EVALSHA with EVAL fallback). */
export interface ScriptCommands {
  /** The consumed record's JSON for the one winner, null otherwise. */
  kubeoidcConsume(key: string, nowSeconds: number): Promise<string | null>;
  /** `CONSUME_IF`: nil when absent, else the outcome and the record's JSON. */
  kubeoidcConsumeIf(
    key: string,
    nowSeconds: number,
    clientId: string,
    issuedSince: number | '',
    ...equal: string[]
  ): Promise<[string, string] | null>;
  /** `WRITE` (single master only): number of keys, the keys, then the arguments; 1 when written. */
  kubeoidcWrite(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  kubeoidcAddToSet(key: string, member: string, ttlMs: number): Promise<number>;
  kubeoidcDeleteIfEquals(key: string, value: string): Promise<number>;
  kubeoidcDeleteIfField(key: string, field: string, value: string): Promise<number>;
}

export type RedisClient = (Redis | Cluster) & ScriptCommands;

/** Tunables (tests shorten them); defaults suit production. */
export interface ConnectionTuning {
  /** Connect timeout, and the command deadline unless the options set `commandTimeoutMs` (ms). */
  timeoutMs?: number;
  /** Longest pause between reconnection attempts (ms). */
  maxReconnectDelayMs?: number;
}

/** Creates the client without connecting (`lazyConnect`); `RedisStorage.open` connects it. */
/** How long a command may wait for Redis's answer (ms): the option, else the tuning's timeout, else 1 s. */
export function commandDeadlineMs(options: RedisStorageOptions, tuning: ConnectionTuning = {}): number {
  return options.commandTimeoutMs ?? tuning.timeoutMs ?? 1000;
}

export function createRedisClient(options: RedisStorageOptions, tuning: ConnectionTuning = {}): RedisClient {
  const timeout = tuning.timeoutMs ?? 1000;
  const deadline = commandDeadlineMs(options, tuning);
  const maxDelay = tuning.maxReconnectDelayMs ?? 1000;
  const retry = (attempt: number): number => Math.min(attempt * 100, maxDelay);
  const common: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeout,
    retryStrategy: retry,
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.tls ? { tls: {} } : {}),
  };
  let client: Redis | Cluster;
  if (options.cluster) {
    const { retryStrategy: _ignored, enableOfflineQueue: _alsoIgnored, ...redisOptions } = common;
    client = new DeadlineCluster(deadline, options.cluster.nodes.map(hostPort), {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: retry,
      slotsRefreshTimeout: timeout,
      retryDelayOnClusterDown: 100,
      retryDelayOnFailover: 100,
      redisOptions,
    });
  } else if (options.sentinel) {
    client = new DeadlineRedis(deadline, undefined, {
      ...common,
      name: options.sentinel.masterName,
      sentinels: options.sentinel.sentinels.map(hostPort),
      sentinelRetryStrategy: retry,
      sentinelCommandTimeout: timeout,
      ...(options.sentinelPassword === undefined ? {} : { sentinelPassword: options.sentinelPassword }),
      ...(options.tls ? { sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    });
  } else if (options.url) {
    client = new DeadlineRedis(deadline, options.url, common);
  } else {
    throw new Error('redis storage needs one of url, sentinel, cluster');
  }
  client.defineCommand('kubeoidcConsume', { numberOfKeys: 1, lua: CONSUME });
  client.defineCommand('kubeoidcConsumeIf', { numberOfKeys: 1, lua: CONSUME_IF });
  client.defineCommand('kubeoidcAddToSet', { numberOfKeys: 1, lua: ADD_TO_SET });
  client.defineCommand('kubeoidcDeleteIfEquals', { numberOfKeys: 1, lua: DELETE_IF_EQUALS });
  client.defineCommand('kubeoidcDeleteIfField', { numberOfKeys: 1, lua: DELETE_IF_FIELD });
  // The number of keys varies (a record has 0–3 index keys): the caller passes it first.
  client.defineCommand('kubeoidcWrite', { lua: WRITE });
  return client as RedisClient;
}

/**
 * Every command gets the deadline of `deadline.ts` as it is written. `sendCommand` is ioredis' public entry for every
 * command (methods, scripts, pipelines, MULTI); a Cluster routes its commands through its own before a node's.
 */
class DeadlineRedis extends Redis {
  // Not `#private`: the constructor calls `super` in one of two forms (URL or not), which private fields forbid.
  private readonly deadlineMs: number;

  constructor(deadlineMs: number, url: string | undefined, options: RedisOptions) {
    if (url === undefined) super(options);
    else super(url, options);
    this.deadlineMs = deadlineMs;
  }

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    const sent = super.sendCommand(command, stream);
    // The connection's socket, also for a pipeline (whose commands pass a buffer as `stream`, written to the socket after).
    armCommandDeadline(command, this.deadlineMs, this.stream);
    return sent;
  }
}

/** The Cluster counterpart of {@link DeadlineRedis}. */
class DeadlineCluster extends Cluster {
  readonly #deadlineMs: number;

  constructor(deadlineMs: number, nodes: ClusterNode[], options: ClusterOptions) {
    super(nodes, options);
    this.#deadlineMs = deadlineMs;
  }

  override sendCommand(command: Command, stream?: Parameters<Cluster['sendCommand']>[1], node?: unknown): unknown {
    const sent = super.sendCommand(command, stream, node);
    armCommandDeadline(command, this.#deadlineMs);
    return sent;
  }
}

function hostPort(value: string): { host: string; port: number } {
  const index = value.lastIndexOf(':');
  const host = value.slice(0, index).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(value.slice(index + 1)) };
}
