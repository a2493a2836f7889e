/**
 * The MUSTs of the `claims` request parameter (OIDC Core §5.5.1, §3.1.2.2) and `acr_values`, attacked over real HTTP.
 * - A client asks for a code for `sub-bob` while alice is signed in: it must not get one for alice (with
 *   `prompt=none`: `login_required`; otherwise a login, and a login as anyone but bob is `access_denied`).
 * - A client asks for an essential `acr`, or `acr_values`: the provider asserts no acr, so it cannot satisfy either and
 *   refuses (`access_denied`) instead of issuing a code the client would take as meeting its requirement.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { BrowserlessClient, browserlessLogin, formOf, isPage } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, startFrontChannelProvider } from './fixtures.ts';

const claimsFor = (sub: string) => JSON.stringify({ id_token: { sub: { value: sub } } });

describe('claims request MUSTs', () => {
  let provider: TestProvider;
  let browser: BrowserlessClient;
  before(async () => {
    provider = await startFrontChannelProvider();
  });
  after(() => provider.stop());
  beforeEach(async () => {
    browser = new BrowserlessClient(provider.issuer);
    await browserlessLogin(authorizationUrl(provider), {
      username: 'alice',
      password: passwords.alice,
      client: browser,
    });
  });

  const visit = (params: Record<string, string>) => browser.get(authorizationUrl(provider, params));

  it('no code for the session user when claims names another sub (prompt=none: login_required)', async () => {
    const silent = await visit({ prompt: 'none', claims: claimsFor('sub-bob'), state: 's1' });
    assert.ok(!isPage(silent));
    assert.equal(silent.params.get('code'), null);
    assert.equal(silent.params.get('error'), 'login_required');
    assert.equal(silent.params.get('state'), 's1');
    const same = await visit({ prompt: 'none', claims: claimsFor('sub-alice') });
    assert.ok(!isPage(same) && same.params.get('code'), 'the named user, signed in, gets a code');
  });

  it('asks for a login instead; signing in as someone else is access_denied, as the named user a code', async () => {
    const page = await visit({ claims: claimsFor('sub-bob'), state: 's2' });
    assert.ok(isPage(page) && formOf(page, '/login'), 'a login is asked for, not a code for alice');
    const wrongUser = await browser.submit(formOf(page, '/login'), { username: 'alice', password: passwords.alice });
    assert.ok(!isPage(wrongUser));
    assert.equal(wrongUser.params.get('code'), null);
    assert.equal(wrongUser.params.get('error'), 'access_denied');
    assert.equal(wrongUser.params.get('state'), 's2');

    const again = await visit({ claims: claimsFor('sub-bob') });
    assert.ok(isPage(again));
    const asBob = await browserlessLogin(authorizationUrl(provider, { claims: claimsFor('sub-bob') }), {
      username: 'bob',
      password: passwords.bob,
      client: browser,
    });
    assert.ok(asBob.params.get('code'), 'bob signing in gets the code');
  });

  it('refuses a malformed sub request', async () => {
    for (const claims of [
      JSON.stringify({ id_token: { sub: { value: 42 } } }),
      JSON.stringify({ id_token: { sub: { value: 'sub-alice' } }, userinfo: { sub: { value: 'sub-bob' } } }),
      JSON.stringify({ id_token: { sub: { values: ['sub-alice'] } } }),
    ]) {
      const answer = await visit({ prompt: 'none', claims });
      assert.ok(!isPage(answer));
      assert.equal(answer.params.get('error'), 'invalid_request', claims);
    }
  });

  it('refuses an essential acr and acr_values it cannot satisfy; a voluntary acr request still gets a code', async () => {
    const refused: Record<string, string>[] = [
      { claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:mace:incommon:iap:silver'] } } }) },
      { claims: JSON.stringify({ userinfo: { acr: { essential: true } } }) },
      { acr_values: 'urn:mace:incommon:iap:silver' },
    ];
    for (const params of refused) {
      const answer = await visit({ prompt: 'none', state: 's3', ...params });
      assert.ok(!isPage(answer));
      assert.equal(answer.params.get('code'), null, JSON.stringify(params));
      assert.equal(answer.params.get('error'), 'access_denied', JSON.stringify(params));
      assert.match(answer.params.get('error_description') ?? '', /acr/);
      assert.equal(answer.params.get('state'), 's3');
    }
    const voluntary = await visit({
      prompt: 'none',
      claims: JSON.stringify({ id_token: { acr: { values: ['urn:mace:incommon:iap:silver'] } } }),
    });
    assert.ok(!isPage(voluntary) && voluntary.params.get('code'));
  });
});
