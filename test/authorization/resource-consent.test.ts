import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { opaqueTokenId } from '../../provider/tokens/opaque.ts';
import { BrowserlessClient, browserlessLogin, formOf, isPage } from '../support/browserless-login.ts';
import type { TestProvider } from '../support/provider.ts';
import { authorizationUrl, passwords, recordEvents, startFrontChannelProvider } from './fixtures.ts';

/**
 * Resource indicators (RFC 8707) are consented to like scopes: a remembered grant does not cover a resource the
 * end-user never allowed (`resources_missing`, `consent_required` with prompt=none), the consent page names it, and
 * once allowed it is remembered in the grant and carried by the code to the token endpoint.
 */
describe('authorization with a resource indicator', () => {
  const api = 'https://api.example.com/';
  let provider: TestProvider;
  let events: ReturnType<typeof recordEvents>;
  before(async () => {
    provider = await startFrontChannelProvider({ features: { resourceIndicators: { enabled: true } } });
    events = recordEvents(provider);
  });
  after(() => provider.stop());

  it('asks for consent for a new resource, names it on the page, then remembers it', async () => {
    const browser = new BrowserlessClient(provider.issuer);
    await browserlessLogin(authorizationUrl(provider, { scope: 'openid profile' }), {
      username: 'alice',
      password: passwords.alice,
      client: browser,
    });
    const visit = (params: Record<string, string>) =>
      browser.get(authorizationUrl(provider, { scope: 'openid profile', ...params }));

    const silent = await visit({ resource: api, prompt: 'none' });
    assert.ok(!isPage(silent));
    assert.equal(silent.params.get('error'), 'consent_required', 'the grant does not cover the resource yet');

    events.length = 0;
    const page = await visit({ resource: api });
    assert.ok(isPage(page));
    assert.deepEqual(
      events.filter((event) => event.name === 'interaction.started').map((event) => event.args[1]),
      [{ name: 'consent', reasons: ['resources_missing'] }],
    );
    assert.ok(page.html.includes(`<code>${api}</code>`), 'the consent page names the resource');
    const granted = await browser.submit(formOf(page, '/consent'), { accept: 'yes' });
    assert.ok(!isPage(granted));
    const code = await provider.storage
      .adapter('AuthorizationCode')
      .find(opaqueTokenId(granted.params.get('code') ?? ''));
    assert.equal(code?.resource, api);
    const grant = await provider.storage.adapter('Grant').find(code.grantId);
    assert.deepEqual(grant?.resources, { [api]: ['openid', 'profile'] });

    const remembered = await visit({ resource: api, prompt: 'none' });
    assert.ok(!isPage(remembered) && remembered.params.get('code'), 'an allowed resource is remembered');
    const other = await visit({ resource: 'https://other.example.com/', prompt: 'none' });
    assert.ok(!isPage(other));
    assert.equal(other.params.get('error'), 'consent_required', 'another resource is not');
  });
});
