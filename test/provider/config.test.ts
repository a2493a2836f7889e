import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../provider/config/config-error.ts';
import { loadConfig } from '../../provider/config/load.ts';
import { defaults } from '../../provider/config/options.ts';
import { validateConfig } from '../../provider/config/validate.ts';

const noFile = (): Promise<string> => Promise.reject(Object.assign(new Error('absent'), { code: 'ENOENT' }));

function load(env: Record<string, string>, files: Record<string, string> = {}) {
  return loadConfig({
    env,
    readFile: (path) => (path in files ? Promise.resolve(files[path]) : noFile()),
  });
}

async function rejectsNaming(promise: Promise<unknown>, option: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.equal(error.option, option);
    assert.ok(!error.message.includes('\n'), 'message is one line');
    return true;
  });
}

describe('configuration', () => {
  it('without a file, uses the development defaults with demo clients and account', async () => {
    const config = await load({});
    assert.equal(config.development, true);
    assert.equal(config.issuer, 'http://localhost:3000');
    assert.equal(config.storage.type, 'memory');
    assert.deepEqual(
      config.clients.map((client) => client.client_id),
      ['demo', 'demo-spa', 'demo-jwt'],
    );
    assert.equal(config.accounts.records[0]?.username, 'demo');
    assert.match(config.accounts.records[0]?.password_hash ?? '', /^\$argon2id\$/);
    assert.deepEqual(config.ttl, defaults.ttl);
  });

  it('environment variables apply on top of the development defaults', async () => {
    const config = await load({ KUBEOIDC_ISSUER: 'https://id.example.com', KUBEOIDC_PORT: '8443' });
    assert.equal(config.issuer, 'https://id.example.com');
    assert.equal(config.port, 8443);
    assert.equal(config.development, true);
  });

  it('a file replaces the development defaults; its values merge over the defaults', async () => {
    const config = await load(
      { KUBEOIDC_CONFIG: '/etc/kubeoidc/config.yaml' },
      { '/etc/kubeoidc/config.yaml': 'issuer: https://id.example.com/tenant\nttl:\n  accessToken: 600\n' },
    );
    assert.equal(config.development, false);
    assert.deepEqual(config.clients, []);
    assert.equal(config.ttl.accessToken, 600);
    assert.equal(config.ttl.refreshToken, defaults.ttl.refreshToken);
  });

  it('KUBEOIDC_REDIS_URL (the operator renders it from spec.redis.secretRef) keeps the other storage options of the file', async () => {
    const config = await load(
      { KUBEOIDC_CONFIG: '/etc/kubeoidc/config.yaml', KUBEOIDC_REDIS_URL: 'redis://redis.example:6379' },
      {
        '/etc/kubeoidc/config.yaml':
          'issuer: https://id.example.com\nstorage:\n  type: redis\n  url: redis://placeholder:6379\n  keyPrefix: "tenant-a:"\n  commandTimeoutMs: 2000\n',
      },
    );
    assert.equal(config.storage.type, 'redis');
    assert.equal(config.storage.url, 'redis://redis.example:6379');
    assert.equal(config.storage.keyPrefix, 'tenant-a:');
    assert.equal(config.storage.commandTimeoutMs, 2000);
  });

  it('in production (NODE_ENV=production, as the image sets it) a missing KUBEOIDC_CONFIG stops the start naming it', async () => {
    await rejectsNaming(load({ NODE_ENV: 'production' }), 'KUBEOIDC_CONFIG');
    await assert.rejects(load({ NODE_ENV: 'production', KUBEOIDC_ISSUER: 'https://id.example.com' }), /not set/);
    // With a file, production starts as before.
    const config = await load({ NODE_ENV: 'production', KUBEOIDC_CONFIG: 'c.yaml' }, { 'c.yaml': 'port: 8080\n' });
    assert.equal(config.development, false);
    assert.equal(config.port, 8080);
  });

  it('shutdownDelaySeconds: 5 by default, from the file or KUBEOIDC_SHUTDOWN_DELAY_SECONDS, bounded', async () => {
    assert.equal((await load({})).shutdownDelaySeconds, 5);
    assert.equal((await load({ KUBEOIDC_SHUTDOWN_DELAY_SECONDS: '0' })).shutdownDelaySeconds, 0);
    const file = (text: string) => load({ KUBEOIDC_CONFIG: 'c.yaml' }, { 'c.yaml': text });
    assert.equal((await file('shutdownDelaySeconds: 12\n')).shutdownDelaySeconds, 12);
    await rejectsNaming(file('shutdownDelaySeconds: -1\n'), 'shutdownDelaySeconds');
    await rejectsNaming(file('shutdownDelaySeconds: 61\n'), 'shutdownDelaySeconds');
    await rejectsNaming(load({ KUBEOIDC_SHUTDOWN_DELAY_SECONDS: 'soon' }), 'KUBEOIDC_SHUTDOWN_DELAY_SECONDS');
  });

  it('stops on a bad port, naming the variable', async () => {
    await rejectsNaming(load({ KUBEOIDC_PORT: 'abc' }), 'KUBEOIDC_PORT');
    await rejectsNaming(load({ KUBEOIDC_PORT: '70000' }), 'KUBEOIDC_PORT');
  });

  it('names the bad option in a file', async () => {
    const file = (text: string) => load({ KUBEOIDC_CONFIG: 'c.yaml' }, { 'c.yaml': text });
    await rejectsNaming(file('ttl:\n  accessToken: -1\n'), 'ttl.accessToken');
    await rejectsNaming(file('ttl:\n  acessToken: 5\n'), 'ttl.acessToken');
    await rejectsNaming(file('issuer: http://id.example.com\n'), 'issuer');
    await rejectsNaming(file('issuer: https://id.example.com/?a=b\n'), 'issuer');
    await rejectsNaming(file('storage:\n  type: postgres\n'), 'storage.type');
    await rejectsNaming(file('features:\n  teleport: { enabled: true }\n'), 'features.teleport');
    await rejectsNaming(
      file('clients:\n  - client_id: a\n    redirect_uris: []\n  - client_id: a\n    redirect_uris: []\n'),
      'clients[1].client_id',
    );
    await rejectsNaming(file('{ not yaml'), 'KUBEOIDC_CONFIG');
    await rejectsNaming(load({ KUBEOIDC_CONFIG: 'missing.yaml' }), 'KUBEOIDC_CONFIG');
  });

  it('plain http issuers are accepted on loopback only', () => {
    for (const issuer of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'https://a.example']) {
      assert.equal(validateConfig({ ...defaults, issuer }).issuer, issuer);
    }
    assert.throws(() => validateConfig({ ...defaults, issuer: 'http://10.0.0.1' }), ConfigError);
  });

  it('redis storage needs exactly one of url, sentinel, cluster', () => {
    assert.throws(
      () => validateConfig({ ...defaults, storage: { type: 'redis', keyPrefix: 'k:' } }),
      (error: unknown) => error instanceof ConfigError && error.option === 'storage',
    );
    const config = validateConfig({
      ...defaults,
      storage: { type: 'redis', url: 'redis://127.0.0.1:6379', keyPrefix: 'k:' },
    });
    assert.equal(config.storage.type, 'redis');
  });
});
