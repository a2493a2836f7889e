/**
 * Two front-channel providers behind a "load balancer without sticky sessions": replicas sharing one real Redis (the
 * given key prefix) and one key directory, the second with the first's issuer. Registers the `before`/`after` hooks of
 * the enclosing `describe`; read `a` and `b` inside tests (they exist once `before` ran).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { CookieJar } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { startFrontChannelProvider } from './fixtures.ts';

export interface ReplicaPair {
  readonly a: TestProvider;
  readonly b: TestProvider;
}

export function useReplicaPair(keyPrefix: string): ReplicaPair {
  let redis: RedisServer | undefined;
  let keysDir: string | undefined;
  let a: TestProvider | undefined;
  let b: TestProvider | undefined;
  before(async () => {
    redis = await startRedis();
    keysDir = await mkdtemp(join(tmpdir(), 'kubeoidc-replicas-'));
    const shared = { storage: { type: 'redis', url: redis.url, keyPrefix }, devKeysDir: keysDir };
    a = await startFrontChannelProvider(shared);
    b = await startFrontChannelProvider({ ...shared, issuer: a.issuer });
  });
  after(async () => {
    // Each may be missing when `before` failed midway.
    await b?.stop();
    await a?.stop();
    await redis?.stop();
    if (keysDir) await rm(keysDir, { recursive: true, force: true });
  });
  const started = (replica: TestProvider | undefined, name: string): TestProvider => {
    if (!replica) throw new Error(`replica ${name} is not running (its before hook failed or has not run)`);
    return replica;
  };
  return {
    get a() {
      return started(a, 'a');
    },
    get b() {
      return started(b, 'b');
    },
  };
}

/**
 * Sends a request of the browser owning `jar` to `replica` (the "load balancer" picks it): a GET, or a form POST of
 * `fields`; redirects are not followed; the cookies it answers with are stored in `jar`.
 */
export async function sendToReplica(
  jar: CookieJar,
  replica: TestProvider,
  url: string | URL,
  fields?: Record<string, string>,
): Promise<Response> {
  const target = new URL(url);
  const onReplica = new URL(`${target.pathname}${target.search}`, replica.url);
  const headers: Record<string, string> = { cookie: jar.header(onReplica) };
  if (fields) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(onReplica, {
    method: fields ? 'POST' : 'GET',
    headers,
    redirect: 'manual',
    ...(fields ? { body: new URLSearchParams(fields).toString() } : {}),
  });
  jar.store(onReplica, response);
  return response;
}
