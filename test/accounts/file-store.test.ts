import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordAccountStore } from '../../provider/accounts/file-store.ts';
import { hashPassword } from '../../provider/accounts/password.ts';
import { ConfigError } from '../../provider/config/config-error.ts';
import type { AccountRecord } from '../../provider/config/options.ts';

const cheap = { N: 2 ** 10, r: 8, p: 1 };

async function record(username: string, password: string, sub: string, claims?: Record<string, unknown>) {
  const result: AccountRecord = { username, password_hash: await hashPassword(password, cheap), sub };
  if (claims) result.claims = claims;
  return result;
}

function noFile(): Promise<string> {
  return Promise.reject(Object.assign(new Error('absent'), { code: 'ENOENT' }));
}

describe('RecordAccountStore', () => {
  it('authenticates the right password and refuses a wrong one or an unknown user alike', async () => {
    const store = await RecordAccountStore.create(
      { records: [await record('alice', 'correct horse', 'sub-alice', { email: 'a@example.com', sub: 'spoof' })] },
      noFile,
    );
    assert.equal(await store.authenticate('alice', 'correct horse'), 'sub-alice');
    assert.equal(await store.authenticate('alice', 'wrong'), undefined);
    assert.equal(await store.authenticate('mallory', 'correct horse'), undefined);
    const account = await store.findById('sub-alice');
    assert.deepEqual(account, { accountId: 'sub-alice', sub: 'sub-alice', claims: { email: 'a@example.com' } });
    assert.equal((await store.findByUsername('alice'))?.sub, 'sub-alice');
    assert.equal(await store.findById('nobody'), undefined);
  });

  it('reads accounts from a YAML file as well as inline records', async () => {
    const bob = await record('bob', 'pw-bob', 'sub-bob', { name: 'Bob' });
    const yaml = `accounts:\n  - username: bob\n    password_hash: "${bob.password_hash}"\n    sub: sub-bob\n    claims: { name: Bob }\n`;
    const store = await RecordAccountStore.create(
      { file: '/etc/accounts.yaml', records: [await record('carol', 'pw-carol', 'sub-carol')] },
      (path) => (path === '/etc/accounts.yaml' ? Promise.resolve(yaml) : noFile()),
    );
    assert.equal(await store.authenticate('bob', 'pw-bob'), 'sub-bob');
    assert.equal(await store.authenticate('carol', 'pw-carol'), 'sub-carol');
    assert.deepEqual((await store.findById('sub-bob'))?.claims, { name: 'Bob' });
  });

  it('reads a JSON list file', async () => {
    const dave = await record('dave', 'pw', 'sub-dave');
    const store = await RecordAccountStore.create({ file: 'a.json', records: [] }, () =>
      Promise.resolve(JSON.stringify([dave])),
    );
    assert.equal(await store.authenticate('dave', 'pw'), 'sub-dave');
  });

  it('stops start-up naming the bad record', async () => {
    const good = await record('erin', 'pw', 'sub-erin');
    await assert.rejects(
      RecordAccountStore.create({ records: [good, { ...good, sub: 'other' }] }, noFile),
      (error: unknown) => error instanceof ConfigError && error.option === 'accounts.records[1].username',
    );
    await assert.rejects(
      RecordAccountStore.create({ records: [{ ...good, password_hash: 'plain' }] }, noFile),
      (error: unknown) => error instanceof ConfigError && error.option === 'accounts.records[0].password_hash',
    );
    await assert.rejects(
      RecordAccountStore.create({ file: '/missing', records: [] }, noFile),
      (error: unknown) => error instanceof ConfigError && error.option === 'accounts.file',
    );
  });

  it('spends comparable time on unknown and known usernames', async () => {
    const store = await RecordAccountStore.create({ records: [await record('frank', 'pw', 'sub-frank')] }, noFile);
    const time = async (username: string) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 5; i += 1) await store.authenticate(username, 'nope');
      return Number(process.hrtime.bigint() - start);
    };
    await time('frank'); // warm up
    const known = await time('frank');
    const unknown = await time('nobody-at-all');
    // Unknown usernames run the same scrypt work (a decoy hash); without it they would be ~100x faster.
    assert.ok(unknown > known / 4, `unknown ${String(unknown)}ns vs known ${String(known)}ns`);
  });
});
