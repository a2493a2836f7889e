import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BrowserlessClient, browserlessLogin, isPage } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, startFrontChannelProvider } from './fixtures.ts';

/**
 * Attack on the memory store: every unauthenticated `/authorize` request stores an Interaction. An attacker who sends
 * more of them than `storage.maxEntries` must not push out the live sessions and grants of signed-in users (nor
 * replay-detection records); past the bound for interactions, new ones are refused with 503
 * `temporarily_unavailable` and everything already stored stays.
 */
describe('a flood of /authorize requests against memory storage', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startFrontChannelProvider({ storage: { type: 'memory', maxEntries: 100 } });
  });
  after(() => provider.stop());

  it('refuses new interactions with 503 and keeps the signed-in user signed in', async () => {
    const browser = new BrowserlessClient(provider.issuer);
    await browserlessLogin(authorizationUrl(provider), {
      username: 'alice',
      password: passwords.alice,
      client: browser,
    });

    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) {
      const response = await fetch(authorizationUrl(provider, { state: `flood-${String(i)}` }), { redirect: 'manual' });
      await response.body?.cancel();
      // Before the bound an interaction starts (303 to the login page); past it the request is refused: with a
      // trusted redirect URI the error goes back to the client as `temporarily_unavailable`.
      const location = response.headers.get('location') ?? '';
      statuses.push(location.includes('error=temporarily_unavailable') ? 503 : response.status);
    }
    // The session and grant survived: prompt=none still gives a code without asking anything.
    const silent = await browser.get(authorizationUrl(provider, { prompt: 'none' }));
    assert.ok(!isPage(silent), 'no page was shown');
    assert.ok(silent.params.get('code'), `a code, not ${silent.params.get('error') ?? 'nothing'}`);
    assert.ok(statuses.includes(503), 'the flood is refused once interactions reach their bound');
  });
});
