import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { sealClientSecrets } from '../../provider/clients/sealed-secrets.ts';
import { generateKeyFile, generateSecretKey } from '../../provider/keys/generate.ts';
import { keyFileProblem } from '../../provider/keys/key-file.ts';
import { SecretBox, SecretBoxError } from '../../provider/keys/secret-box.ts';
import type { ClientRecord } from '../../provider/models/types.ts';
import { MemoryStorage } from '../../provider/storage/memory.ts';
import { manualClock } from '../../provider/time/clock.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

/**
 * Attack: read the Redis keys of registered clients (a backup, a shared Redis, a replica someone can reach). A
 * client_secret_jwt secret is an HMAC key and cannot be hashed; before the fix it was stored in plaintext although the
 * README promised only salted hashes. Now it is sealed with AES-256-GCM under the key file's `secretKeys` (rotatable:
 * key id in the ciphertext), and without such a key the provider refuses to store one at all.
 */
describe('SecretBox', () => {
  it('seals and opens, binds to the record, and rotates: new key first, old keys still open', () => {
    const [oldKey, newKey] = [generateSecretKey(), generateSecretKey()];
    const before = new SecretBox([oldKey]);
    const sealed = before.seal('the-secret', 'client-a');
    assert.ok(SecretBox.isSealed(sealed));
    assert.ok(!sealed.includes('the-secret'));
    assert.equal(before.open(sealed, 'client-a'), 'the-secret');
    assert.throws(() => before.open(sealed, 'client-b'), SecretBoxError, 'bound to its record');
    assert.throws(() => before.open(sealed.slice(0, -2) + 'AA', 'client-a'), SecretBoxError, 'tampering is detected');

    const rotated = new SecretBox([newKey, oldKey]);
    assert.equal(rotated.open(sealed, 'client-a'), 'the-secret', 'an old key still opens');
    const resealed = rotated.seal('the-secret', 'client-a');
    assert.notEqual(resealed.split('.')[1], sealed.split('.')[1], 'the new key seals');
    assert.throws(() => new SecretBox([newKey]).open(sealed, 'client-a'), /no longer lists/);
  });

  it('is validated in the key file', async () => {
    const file = await generateKeyFile(['ES256']);
    assert.equal(keyFileProblem(file), undefined);
    assert.match(keyFileProblem({ ...file, secretKeys: ['short'] }) ?? '', /secretKeys\[0\]/);
    assert.match(keyFileProblem({ ...file, secretKeys: [] }) ?? '', /non-empty/);
  });

  it('seals below every caller: what is stored differs from what is read', async () => {
    const storage = new MemoryStorage({ clock: manualClock(), maxEntries: 100 });
    const inner = storage.adapter('Client');
    let box = new SecretBox([generateSecretKey()]);
    const sealed = sealClientSecrets(storage, () => box).adapter('Client');
    const record: ClientRecord = { jti: 'c', kind: 'Client', iat: 0, exp: 0, metadata: {}, secretForJwt: 'hmac-key' };
    await sealed.upsert('c', record, 60);
    assert.ok(SecretBox.isSealed((await inner.find('c'))?.secretForJwt ?? ''));
    assert.equal((await sealed.find('c'))?.secretForJwt, 'hmac-key');
    // A plaintext record from before encryption at rest still reads.
    await inner.upsert('legacy', { ...record, jti: 'legacy' }, 60);
    assert.equal((await sealed.find('legacy'))?.secretForJwt, 'hmac-key');
    // A key no longer listed: the secret reads as absent (the client cannot authenticate with it).
    box = new SecretBox([generateSecretKey()]);
    assert.equal((await sealed.find('c'))?.secretForJwt, undefined);
    await storage.close();
  });
});

describe('client_secret_jwt secrets at rest in Redis', () => {
  let redis: RedisServer;
  let admin: Redis;
  let provider: TestProvider;
  before(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
    provider = await startTestProvider({
      storage: { type: 'redis', url: redis.url, keyPrefix: 'atrest:' },
      features: { registration: { enabled: true, initialAccessToken: false } },
    });
  });
  after(async () => {
    await provider.stop();
    admin.disconnect();
    await redis.stop();
  });

  const registerJwtClient = (issuer: string): Promise<Response> =>
    fetch(`${issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_jwt',
      }),
    });

  it('stores no plaintext secret, and the client still authenticates with it', async () => {
    const created = await registerJwtClient(provider.issuer);
    assert.equal(created.status, 201);
    const { client_id: clientId, client_secret: secret } = (await created.json()) as Record<string, string>;
    const stored = (await admin.get(`atrest:Client:rec:${clientId}`)) ?? '';
    assert.ok(stored.length > 0, 'the record is in Redis');
    assert.ok(!stored.includes(secret), 'the secret is not stored in plaintext');
    assert.match((JSON.parse(stored) as { secretForJwt: string }).secretForJwt, /^enc1\./);

    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(`${provider.issuer}/token`)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(Buffer.from(secret, 'utf8'));
    const token = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }).toString(),
    });
    assert.equal(token.status, 200);
  });

  it('refuses to register a client_secret_jwt client when the key file has no secretKeys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeoidc-no-secret-keys-'));
    const { secretKeys: _none, ...file } = await generateKeyFile(['RS256']);
    const keysFile = join(dir, 'keys.json');
    await writeFile(keysFile, JSON.stringify(file));
    const bare = await startTestProvider({
      keysFile,
      storage: { type: 'redis', url: redis.url, keyPrefix: 'nokeys:' },
      features: { registration: { enabled: true, initialAccessToken: false } },
    });
    try {
      const refused = await registerJwtClient(bare.issuer);
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { error: string }).error, 'invalid_client_metadata');
      assert.deepEqual(await admin.keys('nokeys:Client:*'), []);
    } finally {
      await bare.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
