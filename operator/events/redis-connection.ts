/**
 * The operator reaches a provider's Redis the way the provider's pods do: from the OIDCProvider's `spec.redis` — a
 * URL, a URL in a Secret (`secretRef`), Sentinel or Cluster, with the password of Sentinel/Cluster nodes from
 * `passwordSecretRef`. Secrets are read through the kube client in the provider's namespace; their values stay in
 * memory only (the fingerprint that detects a change is a hash).
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { KubeClient } from '../kube/client.ts';
import type { OIDCProvider, RedisSpec } from '../kube/crds.ts';
import { OIDC_PROVIDER_DEFAULTS } from '../kube/crds.ts';
import type { SecretKeyRef } from '../kube/crd-common.ts';
import { getObject } from '../kube/resources.ts';

/** A provider's Redis with every Secret resolved. */
export interface ResolvedRedis {
  readonly url?: string;
  readonly sentinel?: { masterName: string; sentinels: string[] };
  readonly cluster?: { nodes: string[] };
  readonly password?: string;
  readonly keyPrefix: string;
  /** Changes whenever anything above changes (a hash: no secret in it). */
  readonly fingerprint: string;
}

async function secretValue(client: KubeClient, namespace: string, ref: SecretKeyRef): Promise<string> {
  const secret = await getObject<KubernetesObject & { data?: Record<string, string> }>(client, {
    apiVersion: 'v1',
    kind: 'Secret',
    namespace,
    name: ref.name,
  });
  const value = secret?.data?.[ref.key];
  if (value === undefined) throw new Error(`Secret ${namespace}/${ref.name} has no key ${ref.key}`);
  return Buffer.from(value, 'base64').toString('utf8');
}

/** Resolves `spec.redis` of `provider` (reading the Secrets it names). */
export async function resolveRedis(client: KubeClient, provider: OIDCProvider): Promise<ResolvedRedis> {
  const namespace = provider.metadata.namespace ?? 'default';
  const spec: RedisSpec = provider.spec.redis;
  const keyPrefix = spec.keyPrefix ?? OIDC_PROVIDER_DEFAULTS.redisKeyPrefix;
  const url = spec.secretRef === undefined ? spec.url : await secretValue(client, namespace, spec.secretRef);
  const password =
    spec.passwordSecretRef === undefined ? undefined : await secretValue(client, namespace, spec.passwordSecretRef);
  const parts = {
    ...(url === undefined ? {} : { url }),
    ...(spec.sentinel === undefined ? {} : { sentinel: spec.sentinel }),
    ...(spec.cluster === undefined ? {} : { cluster: spec.cluster }),
    ...(password === undefined ? {} : { password }),
    keyPrefix,
  };
  return { ...parts, fingerprint: createHash('sha256').update(JSON.stringify(parts)).digest('hex') };
}

function hostPort(value: string): { host: string; port: number } {
  const index = value.lastIndexOf(':');
  return { host: value.slice(0, index).replace(/^\[(.*)\]$/, '$1'), port: Number(value.slice(index + 1)) };
}

/**
 * A client for blocking stream reads: no command timeout (XREADGROUP BLOCK waits on purpose), no offline queue (a
 * command while disconnected fails at once and the consumer retries), reconnection forever at most a second apart.
 */
export function openRedis(resolved: ResolvedRedis): Redis | Cluster {
  const retry = (attempt: number): number => Math.min(attempt * 100, 1000);
  const common: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: retry,
    ...(resolved.password === undefined ? {} : { password: resolved.password }),
  };
  if (resolved.cluster !== undefined) {
    const { retryStrategy: _ignored, enableOfflineQueue: _alsoIgnored, ...redisOptions } = common;
    return new Cluster(resolved.cluster.nodes.map(hostPort), {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: retry,
      redisOptions,
    });
  }
  if (resolved.sentinel !== undefined) {
    return new Redis({
      ...common,
      name: resolved.sentinel.masterName,
      sentinels: resolved.sentinel.sentinels.map(hostPort),
      sentinelRetryStrategy: retry,
    });
  }
  if (resolved.url !== undefined) return new Redis(resolved.url, common);
  throw new Error('spec.redis needs one of url, secretRef, sentinel, cluster');
}
