import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { RecordAccountStore } from '../../provider/accounts/file-store.ts';
import {
  DEFAULT_ARGON2_COST,
  hashPassword,
  hashPasswordScrypt,
  needsRehash,
  verifyPassword,
} from '../../provider/accounts/password.ts';

/**
 * Password hashing: argon2id with OWASP's parameters for every new hash (`kubeoidc hash-password` included), scrypt
 * hashes of earlier versions still verify and are marked for rehashing, and hashing runs off the event loop.
 */
describe('password hashing', () => {
  it('makes argon2id hashes with OWASP parameters by default, and verifies them', async () => {
    const hash = await hashPassword('correct horse');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    assert.deepEqual(DEFAULT_ARGON2_COST, { m: 19_456, t: 2, p: 1 });
    assert.equal(await verifyPassword('correct horse', hash), true);
    assert.equal(await verifyPassword('correct horsE', hash), false);
    assert.equal(needsRehash(hash), false);
  });

  it('still verifies scrypt hashes and weaker argon2id, and says they need rehashing', async () => {
    const scrypt = await hashPasswordScrypt('old', { N: 2 ** 10, r: 8, p: 1 });
    assert.equal(await verifyPassword('old', scrypt), true);
    assert.equal(await verifyPassword('new', scrypt), false);
    assert.equal(needsRehash(scrypt), true);
    const weak = await hashPassword('weak', { m: 1024, t: 1, p: 1 });
    assert.equal(await verifyPassword('weak', weak), true);
    assert.equal(needsRehash(weak), true);
    assert.equal(await verifyPassword('x', '$argon2id$v=19$m=1,t=1,p=1$$'), false, 'malformed never verifies');
  });

  it('hashes off the event loop', async () => {
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks += 1;
    }, 1);
    try {
      await hashPassword('background');
    } finally {
      clearInterval(ticker);
    }
    assert.ok(ticks > 0, 'timers ran while argon2id was computing');
  });

  it('kubeoidc hash-password prints an argon2id hash', async () => {
    const child = execFile(process.execPath, ['bin/kubeoidc.ts', 'hash-password']);
    child.stdin?.end('s3cret\n');
    const stdout = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', () => {
        resolve(out.trim());
      });
    });
    assert.match(stdout, /^\$argon2id\$/);
    assert.equal(await verifyPassword('s3cret', stdout), true);
  });

  it('rehashes an outdated hash after a successful login (in memory) and reports the account once', async () => {
    const reported: string[] = [];
    const store = await RecordAccountStore.create(
      {
        records: [
          { username: 'old', password_hash: await hashPasswordScrypt('pw', { N: 1024, r: 8, p: 1 }), sub: 's' },
        ],
      },
      () => Promise.reject(new Error('no file')),
    );
    store.onOutdatedHash((accountId) => reported.push(accountId));
    assert.equal(await store.authenticate('old', 'wrong'), undefined);
    assert.deepEqual(reported, [], 'a failed login rehashes nothing');
    assert.equal(await store.authenticate('old', 'pw'), 's');
    assert.equal(await store.authenticate('old', 'pw'), 's', 'the upgraded hash verifies');
    assert.deepEqual(reported, ['s']);
  });
  it('rehashes only below accounts.passwordHashCost when one is configured', async () => {
    const cheap = { m: 8, t: 1, p: 1 };
    const records = [{ username: 'cheap', password_hash: await hashPassword('pw', cheap), sub: 'c' }];
    const reported: string[] = [];
    const configured = await RecordAccountStore.create({ records, passwordHashCost: cheap }, () =>
      Promise.reject(new Error('no file')),
    );
    configured.onOutdatedHash((accountId) => reported.push(accountId));
    assert.equal(await configured.authenticate('cheap', 'pw'), 'c');
    assert.equal(reported.length, 0, 'a hash at the configured cost is not outdated');
    const byDefault = await RecordAccountStore.create({ records }, () => Promise.reject(new Error('no file')));
    byDefault.onOutdatedHash((accountId) => reported.push(accountId));
    assert.equal(await byDefault.authenticate('cheap', 'pw'), 'c');
    assert.deepEqual(reported, ['c'], 'below the default cost it is');
  });
});
