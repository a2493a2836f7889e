/**
 * Attack: a burst of parallel user-code guesses from one address (RFC 8628 §5.1). Each guess takes its place in the
 * count before the code is looked up, so of 15 parallel wrong codes exactly 5 are checked and 10 refused; a valid
 * code gives back only its own place, so an attacker's own valid codes do not buy more guesses.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BrowserlessClient, CookieJar, formOf, isPage } from '../support/browserless-login.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import type { BackChannelProvider } from '../token/fixtures.ts';
import { authorizeDevice, startDeviceProvider } from './fixtures.ts';

/** 15 parallel wrong codes through one browser, the n-th sent to `replicas[n % length]`: the statuses. */
async function burst(replicas: BackChannelProvider[]): Promise<number[]> {
  const [first] = replicas;
  assert.ok(first);
  const jar = new CookieJar();
  const page = await new BrowserlessClient(first.issuer, jar).get(`${first.issuer}/device`);
  assert.ok(isPage(page));
  const form = formOf(page, '/device');
  return Promise.all(
    Array.from({ length: 15 }, async (_, i) => {
      const replica = replicas[i % replicas.length] ?? first;
      const answer = await new BrowserlessClient(replica.issuer, jar).post(new URL(form.action.pathname, replica.url), {
        ...form.hidden,
        user_code: 'BCDF-GHJK',
      });
      assert.ok(isPage(answer));
      return answer.status;
    }),
  );
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('device flow: user-code limit under a burst of parallel guesses', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startDeviceProvider();
  });
  after(() => provider.stop());

  it('checks only 5 of 15 parallel wrong codes from one address', async () => {
    const statuses = await burst([provider]);
    assert.deepEqual([count(statuses, 400), count(statuses, 429)], [5, 10], `statuses: ${statuses.join(',')}`);
    const browser = new BrowserlessClient(provider.issuer);
    const page = await browser.get(`${provider.issuer}/device`);
    assert.ok(isPage(page));
    const limited = await browser.submit(formOf(page, '/device'), {
      user_code: (await authorizeDevice(provider)).user_code,
    });
    assert.ok(isPage(limited));
    assert.equal(limited.status, 429, 'still limited, even for a valid code');
  });

  it('a valid code takes back its own place only: earlier wrong codes still count', async () => {
    const fresh = await startDeviceProvider();
    try {
      const browser = new BrowserlessClient(fresh.issuer);
      const page = await browser.get(`${fresh.issuer}/device`);
      assert.ok(isPage(page));
      const form = formOf(page, '/device');
      const enter = async (code: string) => {
        const answer = await browser.submit(form, { user_code: code });
        assert.ok(isPage(answer));
        return answer.status;
      };
      for (let i = 0; i < 4; i += 1) assert.equal(await enter('BCDF-GHJK'), 400);
      assert.equal(await enter((await authorizeDevice(fresh)).user_code), 200, 'a valid code goes on to sign-in');
      assert.equal(await enter('BCDF-GHJK'), 400, 'the fifth wrong code is checked');
      assert.equal(await enter('BCDF-GHJK'), 429, 'the sixth is refused: the valid code cleared nothing');
    } finally {
      await fresh.stop();
    }
  });
});

describe('device flow: user-code limit under a burst spread over two replicas sharing Redis', () => {
  let redis: RedisServer;
  let keysDir: string;
  let a: BackChannelProvider;
  let b: BackChannelProvider;
  before(async () => {
    redis = await startRedis();
    keysDir = await mkdtemp(join(tmpdir(), 'kubeoidc-device-burst-'));
    const shared = { storage: { type: 'redis', url: redis.url, keyPrefix: 'device-burst:' }, devKeysDir: keysDir };
    a = await startDeviceProvider({}, shared);
    b = await startDeviceProvider({}, { ...shared, issuer: a.issuer });
  });
  after(async () => {
    await (b as BackChannelProvider | undefined)?.stop();
    await (a as BackChannelProvider | undefined)?.stop();
    await (redis as RedisServer | undefined)?.stop();
    if (keysDir) await rm(keysDir, { recursive: true, force: true });
  });

  it('checks only 5 of 15 parallel wrong codes', async () => {
    const statuses = await burst([a, b]);
    assert.deepEqual([count(statuses, 400), count(statuses, 429)], [5, 10], `statuses: ${statuses.join(',')}`);
  });
});
