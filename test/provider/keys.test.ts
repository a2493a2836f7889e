import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compactVerify, importJWK, SignJWT } from 'jose';
import { generateKeyFile } from '../../provider/keys/generate.ts';
import { keyFileProblem, type KeyFile } from '../../provider/keys/key-file.ts';
import { Keystore } from '../../provider/keys/keystore.ts';
import { loadOrCreateDevKeys, watchKeyFile } from '../../provider/keys/load.ts';
import { scratchDirs } from '../support/scratch-dirs.ts';

const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const tempDir = scratchDirs('kubeoidc-keys-');

describe('keys', () => {
  it('publishes public parts only and signs with the active key of each algorithm', async () => {
    const file = await generateKeyFile(['RS256', 'ES256', 'PS256', 'EdDSA']);
    const keystore = await Keystore.load(file);
    assert.equal(keystore.jwks.keys.length, 4);
    for (const jwk of keystore.jwks.keys) {
      for (const member of privateMembers) assert.equal(member in jwk, false, `${member} published`);
    }
    for (const alg of ['RS256', 'ES256', 'PS256', 'EdDSA'] as const) {
      const signing = keystore.signingKey(alg);
      assert.ok(signing);
      const jws = await new SignJWT({ a: 1 }).setProtectedHeader({ alg, kid: signing.kid }).sign(signing.privateKey);
      const published = keystore.jwks.keys.find((key) => key.kid === signing.kid);
      assert.ok(published, 'the signing key is published');
      await compactVerify(jws, await importJWK(published, alg));
    }
  });

  it('two-phase rotation: a published key does not sign until active', async () => {
    const file = await generateKeyFile(['RS256']);
    const [next] = (await generateKeyFile(['RS256'])).keys;
    const withNext: KeyFile = { ...file, keys: [...file.keys, next] };
    const published = await Keystore.load(withNext);
    assert.deepEqual(published.publishedKeyIds, [file.keys[0].kid, next.kid]);
    assert.equal(published.signingKey('RS256')?.kid, file.keys[0].kid);
    const promoted = await Keystore.load({ ...withNext, active: [next.kid] });
    assert.equal(promoted.signingKey('RS256')?.kid, next.kid);
    assert.ok(promoted.verificationKey(file.keys[0].kid), 'the old key still verifies');
  });

  it('rejects malformed key files without echoing key material', async () => {
    const file = await generateKeyFile(['ES256']);
    assert.equal(keyFileProblem(file), undefined);
    assert.match(keyFileProblem({ ...file, keys: [] }) ?? '', /non-empty/);
    const publicOnly = { ...file, keys: file.keys.map(({ d: _d, ...rest }) => rest) };
    assert.match(keyFileProblem(publicOnly) ?? '', /not a private key/);
    assert.match(keyFileProblem({ ...file, active: ['nope'] }) ?? '', /unknown kid/);
    assert.match(keyFileProblem({ ...file, cookieKeys: ['short'] }) ?? '', /32 bytes/);
  });

  it('development keys are generated once with mode 0600 and kept across restarts', async () => {
    const dir = await tempDir();
    const first = await loadOrCreateDevKeys(dir, ['RS256', 'ES256']);
    const second = await loadOrCreateDevKeys(dir, ['RS256', 'ES256']);
    assert.deepEqual(second, first);
    assert.equal((await stat(join(dir, 'keys.json'))).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'keys.json'), 'utf8')), first);
  });

  it('reloads a watched key file when it changes, and keeps the old keys on a bad file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'keys.json');
    await writeFile(path, JSON.stringify(await generateKeyFile(['RS256'])));
    const next = await generateKeyFile(['ES256']);
    const reloads: Keystore[] = [];
    const errors: unknown[] = [];
    const stop = watchKeyFile(
      path,
      (keystore) => reloads.push(keystore),
      (error) => errors.push(error),
      50,
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 120));
      await writeFile(path, JSON.stringify(next));
      await waitFor(() => reloads.length === 1);
      assert.deepEqual(reloads[0].publishedKeyIds, [next.keys[0].kid]);
      await writeFile(path, '{"keys": []}');
      await waitFor(() => errors.length === 1);
      assert.equal(reloads.length, 1);
    } finally {
      stop();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
