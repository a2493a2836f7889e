/**
 * `accounts.passwordHashNice` end to end: the option validates (an integer 0–19), and a provider started with it runs
 * its thread pool — where the login's password hash runs — at that nice value (read from /proc, field 19 of each
 * thread's stat) while the event loop keeps its own, and logins still work: the right password logs in, a wrong one
 * does not. Its own file (its own process under `node --test`): a raised nice value stays raised for the process.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../../provider/accounts/password.ts';
import { ConfigError } from '../../provider/config/config-error.ts';
import { defaults } from '../../provider/config/options.ts';
import { validateConfig } from '../../provider/config/validate.ts';
import { authorizationUrl, redirectUri } from '../authorization/fixtures.ts';
import { browserlessLogin } from '../support/browserless-login.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

const linux = process.platform === 'linux' && existsSync('/proc/self/task');

/** Nice value (field 19 of /proc/self/task/<tid>/stat) of every thread, with its name. */
function niceByThread(): { tid: number; comm: string; nice: number }[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19 - 3]);
      return [{ tid: Number(tid), comm: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), nice }];
    } catch {
      return [];
    }
  });
}

describe('accounts.passwordHashNice', () => {
  it('is an integer from 0 to 19', () => {
    const withNice = (value: unknown) => ({ ...defaults, accounts: { records: [], passwordHashNice: value } });
    for (const bad of [-1, 20, 2.5, '5']) {
      assert.throws(
        () => validateConfig(withNice(bad)),
        (error: unknown) => error instanceof ConfigError && error.option.startsWith('accounts'),
        String(bad),
      );
    }
    for (const good of [0, 10, 19]) assert.equal(validateConfig(withNice(good)).accounts.passwordHashNice, good);
  });

  describe('a provider started with it', { skip: !linux }, () => {
    let provider: TestProvider;
    const startNice = linux ? (niceByThread().find((t) => t.tid === process.pid)?.nice ?? 0) : 0;

    before(async () => {
      provider = await startTestProvider({
        accounts: {
          records: [
            {
              username: 'alice',
              password_hash: await hashPassword('alice-password', { m: 1024, t: 1, p: 1 }),
              sub: 'sub-alice',
            },
          ],
          passwordHashCost: { m: 1024, t: 1, p: 1 },
          passwordHashNice: 9,
        },
        clients: [
          {
            client_id: 'web',
            client_secret: 'web-secret-web-secret-web-secret',
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
            scope: 'openid',
          },
        ],
      });
    });
    after(async () => {
      await provider.stop();
    });

    it('hashes on pool threads at that nice value, and logins still work', async () => {
      const { params } = await browserlessLogin(authorizationUrl(provider), {
        username: 'alice',
        password: 'alice-password',
      });
      assert.ok(params.get('code'), 'logged in');
      await assert.rejects(
        browserlessLogin(authorizationUrl(provider), { username: 'alice', password: 'wrong' }),
        /login stopped/,
      );
      const threads = niceByThread();
      const pool = threads.filter((thread) => thread.comm === 'libuv-worker');
      assert.ok(pool.length > 0, JSON.stringify(threads));
      for (const thread of pool) assert.equal(thread.nice, Math.max(9, startNice), `tid ${String(thread.tid)}`);
      assert.equal(threads.find((thread) => thread.tid === process.pid)?.nice, startNice, 'event loop unchanged');
    });
  });
});
