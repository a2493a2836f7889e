/**
 * Attack: one sign-in answered twice at once — a double-clicked consent button, or a resume URL replayed in parallel —
 * spread over two replicas sharing one Redis. An interaction resolves once: of the racing answers exactly one goes on
 * (one authorization code reaches the client), the others are refused with the "expired" page. The interaction is
 * read and deleted by one storage operation (`GETDEL`), not read and then deleted.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CookieJar, formOf, type Page } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { authorizationUrl, passwords, redirectUri, startFrontChannelProvider } from '../authorization/fixtures.ts';

describe('an interaction resolves once, however many answers race', () => {
  let redis: RedisServer;
  let keysDir: string;
  let a: TestProvider;
  let b: TestProvider;

  before(async () => {
    redis = await startRedis();
    keysDir = await mkdtemp(join(tmpdir(), 'kubeoidc-single-use-'));
    const shared = { storage: { type: 'redis', url: redis.url, keyPrefix: 'single-use:' }, devKeysDir: keysDir };
    a = await startFrontChannelProvider(shared);
    b = await startFrontChannelProvider({ ...shared, issuer: a.issuer });
  });
  after(async () => {
    await (b as TestProvider | undefined)?.stop();
    await (a as TestProvider | undefined)?.stop();
    await (redis as RedisServer | undefined)?.stop();
    if (keysDir) await rm(keysDir, { recursive: true, force: true });
  });

  /** Sends a request of the browser owning `jar` to `replica`, storing the cookies it answers with. */
  async function send(jar: CookieJar, replica: TestProvider, url: string | URL, fields?: Record<string, string>) {
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

  /**
   * Follows redirects on the provider (alternating replicas) until a page, or a redirect to the client: resolves the
   * authorization response's parameters, or the page's status.
   */
  async function walk(jar: CookieJar, first: Response): Promise<URLSearchParams | number> {
    let response = first;
    for (let hop = 0; hop < 10; hop += 1) {
      const location = response.headers.get('location');
      if (response.status !== 303 || !location) {
        await response.body?.cancel();
        return response.status;
      }
      await response.body?.cancel();
      if (location.startsWith(redirectUri)) return new URL(location).searchParams;
      response = await send(jar, hop % 2 === 0 ? a : b, location);
    }
    throw new Error('too many redirects');
  }

  /** A new browser signed in as alice, on the consent page. */
  async function consentPage(jar: CookieJar): Promise<Page> {
    const toLogin = (await send(jar, a, authorizationUrl(a, { state: 'race' }))).headers.get('location') ?? '';
    const login = await send(jar, b, toLogin);
    const loginForm = formOf({ url: new URL(login.url), status: login.status, html: await login.text() }, '/login');
    const answered = await send(jar, a, loginForm.action, {
      ...loginForm.hidden,
      username: 'alice',
      password: passwords.alice,
    });
    // Redirects (if any) up to the consent page.
    let consent = answered;
    for (let hop = 0; consent.status === 303 && hop < 5; hop += 1) {
      await consent.body?.cancel();
      consent = await send(jar, hop % 2 === 0 ? b : a, consent.headers.get('location') ?? '');
    }
    const page = { url: new URL(consent.url), status: consent.status, html: await consent.text() };
    assert.equal(page.status, 200, 'the consent page');
    return page;
  }

  it('a consent submitted twice at once yields one authorization code', async () => {
    for (let round = 0; round < 5; round += 1) {
      const jar = new CookieJar();
      const form = formOf(await consentPage(jar), '/consent');
      const outcomes = await Promise.all(
        [a, b].map(async (replica) =>
          walk(jar, await send(jar, replica, form.action, { ...form.hidden, accept: 'yes' })),
        ),
      );
      const codes = outcomes.filter((outcome) => outcome instanceof URLSearchParams && outcome.get('code'));
      const refused = outcomes.filter((outcome) => outcome === 400);
      assert.deepEqual(
        { codes: codes.length, refused: refused.length },
        { codes: 1, refused: 1 },
        `round ${String(round)}: ${outcomes.map(String).join(' | ')}`,
      );
    }
  });

  it('a resume URL replayed at once delivers the answer once', async () => {
    for (let round = 0; round < 5; round += 1) {
      const jar = new CookieJar();
      const form = formOf(await consentPage(jar), '/consent');
      // A refusal goes back to the client through the resume URL.
      const denied = await send(jar, a, form.action, { ...form.hidden, deny: 'yes' });
      const resume = denied.headers.get('location') ?? '';
      await denied.body?.cancel();
      assert.match(resume, /\/authorize\/resume\//);
      const outcomes = await Promise.all([a, b].map(async (replica) => walk(jar, await send(jar, replica, resume))));
      const delivered = outcomes.filter(
        (outcome) => outcome instanceof URLSearchParams && outcome.get('error') === 'access_denied',
      );
      const refused = outcomes.filter((outcome) => outcome === 400);
      assert.deepEqual(
        { delivered: delivered.length, refused: refused.length },
        { delivered: 1, refused: 1 },
        `round ${String(round)}: ${outcomes.map(String).join(' | ')}`,
      );
    }
  });
});
