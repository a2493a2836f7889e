/**
 * Attack: one sign-in answered twice at once — a double-clicked consent button, or a resume URL replayed in parallel —
 * spread over two replicas sharing one Redis. An interaction resolves once: of the racing answers exactly one goes on
 * (one authorization code reaches the client), the others are refused with the "expired" page. The interaction is
 * read and deleted by one storage operation (`GETDEL`), not read and then deleted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CookieJar, formOf, type Page } from '../support/browserless-login.ts';
import { authorizationUrl, passwords, redirectUri } from '../authorization/fixtures.ts';
import { sendToReplica, useReplicaPair } from '../authorization/replica-pair.ts';

describe('an interaction resolves once, however many answers race', () => {
  const replicas = useReplicaPair('single-use:');
  const send = sendToReplica;

  /**
   * Follows redirects on the provider (alternating replicas) until a page, or a redirect to the client: resolves the
   * authorization response's parameters, or the page's status.
   */
  async function walk(jar: CookieJar, first: Response): Promise<URLSearchParams | number> {
    const { a, b } = replicas;
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
    const { a, b } = replicas;
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
    const { a, b } = replicas;
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
    const { a, b } = replicas;
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
