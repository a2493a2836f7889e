/**
 * Attack: a burst of parallel password guesses for one account. The login limit (5 failures per account) must hold
 * under concurrency — each guess takes its place in the count before the password is checked — with in-process
 * counters (memory storage) and with counters in Redis shared by two replicas the burst is spread over.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CookieJar, formOf } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, startFrontChannelProvider } from '../authorization/fixtures.ts';
import { useReplicaPair } from '../authorization/replica-pair.ts';

/** Opens one login form on `replicas[0]` and returns a function that posts a guess to any replica. */
async function loginForm(replicas: TestProvider[]) {
  const [first] = replicas;
  assert.ok(first);
  const jar = new CookieJar();
  const start = await fetch(authorizationUrl(first), { redirect: 'manual' });
  jar.store(new URL(first.issuer), start);
  const loginUrl = new URL(start.headers.get('location') ?? '');
  const html = await (await fetch(loginUrl, { headers: { cookie: jar.header(loginUrl) } })).text();
  const form = formOf({ url: loginUrl, status: 200, html }, '/login');
  return async (replica: TestProvider, username: string, password: string): Promise<number> => {
    const target = new URL(form.action.pathname, replica.url);
    const response = await fetch(target, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(target), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.hidden, username, password }).toString(),
    });
    await response.body?.cancel();
    return response.status;
  };
}

function tally(statuses: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[String(status)] = (counts[String(status)] ?? 0) + 1;
  return counts;
}

/** 15 parallel wrong guesses for alice: exactly 5 are checked (401), 10 refused (429); then her password is refused. */
async function burst(replicas: TestProvider[]): Promise<void> {
  const guess = await loginForm(replicas);
  const statuses = await Promise.all(
    Array.from({ length: 15 }, (_, i) => guess(replicas[i % replicas.length], 'alice', `g-${i}`)),
  );
  assert.deepEqual(tally(statuses), { '401': 5, '429': 10 });
  assert.equal(await guess(replicas[0], 'alice', passwords.alice), 429, 'the account stays blocked');
  assert.equal(await guess(replicas.at(-1)!, 'ALICE', passwords.alice), 429);
}

describe('login limit under a burst of parallel guesses', () => {
  describe('memory storage', () => {
    let provider: TestProvider;
    before(async () => {
      provider = await startFrontChannelProvider();
    });
    after(() => provider.stop());

    it('checks only 5 of 15 parallel guesses for one account', () => burst([provider]));

    it('a correct password takes back its place in the address count', async () => {
      const guess = await loginForm([provider]);
      // 20 per address: 14 wrong (bob and others) + 6 correct logins for bob would exceed it if successes counted.
      for (let i = 0; i < 4; i += 1) assert.equal(await guess(provider, `nobody-${i}`, 'x'), 401);
      // A login form is used once (a successful login takes its interaction): each correct login opens its own.
      for (let i = 0; i < 8; i += 1) {
        assert.equal(await (await loginForm([provider]))(provider, 'bob', passwords.bob), 303, `login ${i}`);
      }
      for (let i = 4; i < 14; i += 1) assert.equal(await guess(provider, `nobody-${i}`, 'x'), 401, `guess ${i}`);
    });
  });

  describe('redis storage, two replicas', () => {
    const replicas = useReplicaPair('burst:');

    it('checks only 5 of 15 parallel guesses spread over both replicas', () => burst([replicas.a, replicas.b]));
  });
});
