/**
 * User story: behind a load balancer without sticky sessions, a sign-in hops between two provider replicas that share
 * one Redis and one key file — every step (login page, login, resume, consent, the next silent authorization) works on
 * whichever replica gets it, and login attempts counted on one replica count on the other.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CookieJar, formOf, type Page } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords } from '../authorization/fixtures.ts';
import { sendToReplica, useReplicaPair } from '../authorization/replica-pair.ts';

describe('front channel across replicas', () => {
  const replicas = useReplicaPair('replicas:');

  /** One browser whose requests the "load balancer" sends to the replica the test names. */
  const jar = new CookieJar();
  const send = (replica: TestProvider, url: string | URL, fields?: Record<string, string>): Promise<Response> =>
    sendToReplica(jar, replica, url, fields);
  const page = async (response: Response): Promise<Page> => ({
    url: new URL(response.url),
    status: response.status,
    html: await response.text(),
  });
  const location = (response: Response): string => {
    assert.equal(response.status, 303, `expected a redirect, got ${String(response.status)}`);
    return response.headers.get('location') ?? '';
  };

  it('completes a sign-in whose steps alternate between replicas', async () => {
    const { a, b } = replicas;
    const toLogin = location(await send(a, authorizationUrl(a, { state: 'hop' })));
    const login = await page(await send(b, toLogin));
    assert.equal(login.status, 200, 'replica b serves the interaction replica a started');
    const loginForm = formOf(login, '/login');
    // The login goes on at once to the consent interaction, the consent to the redirect back to the client.
    const toConsent = location(
      await send(b, loginForm.action, { ...loginForm.hidden, username: 'alice', password: passwords.alice }),
    );
    const consent = await page(await send(a, toConsent));
    const consentForm = formOf(consent, '/consent');
    const response = new URL(location(await send(b, consentForm.action, { ...consentForm.hidden, accept: 'yes' })));
    assert.equal(response.searchParams.get('state'), 'hop');
    assert.equal(response.searchParams.get('iss'), a.issuer);
    assert.ok(response.searchParams.get('code'));

    const silent = new URL(location(await send(a, authorizationUrl(a, { prompt: 'none' }))));
    assert.ok(silent.searchParams.get('code'), 'the session made on b is known to a');
  });

  it('counts failed logins across replicas', async () => {
    const { a, b } = replicas;
    const fresh = new CookieJar();
    const start = await fetch(authorizationUrl(a), { redirect: 'manual' });
    fresh.store(new URL(a.issuer), start);
    const loginUrl = new URL(start.headers.get('location') ?? '');
    const form = formOf(
      {
        url: loginUrl,
        status: 200,
        html: await (await fetch(loginUrl, { headers: { cookie: fresh.header(loginUrl) } })).text(),
      },
      '/login',
    );
    const attempt = async (replica: TestProvider, password: string) => {
      const target = new URL(form.action.pathname, replica.url);
      const response = await fetch(target, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: fresh.header(target), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form.hidden, username: 'bob', password }).toString(),
      });
      await response.body?.cancel();
      return response.status;
    };
    for (let i = 0; i < 5; i += 1) assert.equal(await attempt(i % 2 === 0 ? a : b, `wrong-${String(i)}`), 401);
    assert.equal(await attempt(b, passwords.bob), 429, 'the limit holds on every replica');
    assert.equal(await attempt(a, passwords.bob), 429);
  });
});
