import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ModelRepository } from '../../provider/models/repository.ts';
import type { InitialAccessToken } from '../../provider/models/types.ts';
import {
  createInitialAccessToken,
  destroyInitialAccessToken,
} from '../../provider/registration/initial-access-token.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { opaqueTokenId } from '../../provider/tokens/opaque.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

/**
 * Stored initial access tokens: created and destroyed through the model repository (`initial_access_token.saved` /
 * `.destroyed`, hashed at rest), accepted by registration until they expire or are destroyed, and the
 * `kubeoidc create-initial-access-token` / `revoke-initial-access-token` commands against the provider's real Redis.
 */

const client = { redirect_uris: ['https://app.example.com/cb'] };

async function register(provider: TestProvider, token: string, body: object = client): Promise<Response> {
  return fetch(`${provider.issuer}/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('stored initial access tokens', () => {
  const clock = manualClock(Date.UTC(2026, 0, 1, 12));
  let provider: TestProvider;
  let models: ModelRepository;
  before(async () => {
    provider = await startTestProvider({ features: { registration: { enabled: true } } }, { clock });
    models = new ModelRepository({ storage: provider.storage, events: provider.events, clock });
  });
  after(() => provider.stop());

  it('are saved hashed with their event, accepted until they expire', async () => {
    const saved: InitialAccessToken[] = [];
    provider.events.on('initial_access_token.saved', (token) => saved.push(token));
    const { value } = await createInitialAccessToken({ models, clock }, { expiresIn: 60, policies: ['client_id'] });
    assert.equal(saved.length, 1);
    assert.equal(saved[0]?.jti, opaqueTokenId(value));
    assert.ok(!JSON.stringify(saved).includes(value));
    assert.deepEqual(saved[0]?.policies, ['client_id']);

    const chosen = await register(provider, value, { ...client, client_id: 'chosen-by-policy' });
    assert.equal(chosen.status, 201);
    assert.equal((await register(provider, value)).status, 201, 'reusable');
    clock.advance(61_000);
    assert.equal((await register(provider, value)).status, 401);
  });

  it('are refused once destroyed (initial_access_token.destroyed)', async () => {
    const destroyed: InitialAccessToken[] = [];
    provider.events.on('initial_access_token.destroyed', (token) => destroyed.push(token));
    const { value } = await createInitialAccessToken({ models, clock }, { expiresIn: 60 });
    assert.equal((await register(provider, value)).status, 201);
    assert.equal((await register(provider, value, { ...client, client_id: 'no-policy' })).status, 400);
    assert.equal(await destroyInitialAccessToken(models, value), true);
    assert.equal(destroyed.length, 1);
    assert.equal((await register(provider, value)).status, 401);
    assert.equal(await destroyInitialAccessToken(models, value), false);
  });
});

describe('kubeoidc create-initial-access-token / revoke-initial-access-token', () => {
  const bin = resolve(import.meta.dirname, '../../bin/kubeoidc.ts');
  let redis: RedisServer;
  let dir: string;
  let provider: TestProvider;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    redis = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'kubeoidc-registration-cli-'));
    const configFile = join(dir, 'config.yaml');
    await writeFile(
      configFile,
      `storage:\n  type: redis\n  url: ${redis.url}\n  keyPrefix: 'cli-test:'\nlogLevel: silent\n`,
    );
    env = { ...process.env, KUBEOIDC_CONFIG: configFile };
    provider = await startTestProvider({
      storage: { type: 'redis', url: redis.url, keyPrefix: 'cli-test:' },
      features: { registration: { enabled: true } },
    });
  });
  after(async () => {
    await provider.stop();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a token every replica accepts, and revokes it', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [bin, 'create-initial-access-token', '--policy', 'client_id'], {
      env,
    });
    const token = stdout.trim();
    assert.match(token, /^[\w-]{43}$/);
    assert.equal((await register(provider, token, { ...client, client_id: 'from-cli' })).status, 201);

    const revoke = run(process.execPath, [bin, 'revoke-initial-access-token'], { env });
    revoke.child.stdin?.end(`${token}\n`);
    await revoke;
    assert.equal((await register(provider, token)).status, 401);
    await assert.rejects(
      (async () => {
        const again = run(process.execPath, [bin, 'revoke-initial-access-token'], { env });
        again.child.stdin?.end(`${token}\n`);
        await again;
      })(),
      (error: { code?: number }) => error.code === 1,
    );
  });

  it('refuses bad arguments and memory storage', async () => {
    const run = promisify(execFile);
    await assert.rejects(run(process.execPath, [bin, 'create-initial-access-token', '--policy', 'admin'], { env }), {
      code: 2,
    });
    const memoryConfig = join(dir, 'memory.yaml');
    await writeFile(memoryConfig, 'logLevel: silent\nissuer: http://127.0.0.1:1\n');
    await assert.rejects(
      run(process.execPath, [bin, 'create-initial-access-token'], { env: { ...env, KUBEOIDC_CONFIG: memoryConfig } }),
      (error: { code?: number; stderr?: string }) => error.code === 2 && /Redis storage/.test(error.stderr ?? ''),
    );
  });
});
