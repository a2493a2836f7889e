import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../provider/config/load.ts';
import type { ProviderConfig } from '../../provider/config/options.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

/**
 * The development default (`npm start` without KUBEOIDC_CONFIG) has RP-initiated logout on, so the demo clients'
 * post-logout redirect URIs work out of the box; a configuration file leaves it off (the documented default).
 */
describe('RP-initiated logout in the development default', () => {
  let config: ProviderConfig;
  let provider: TestProvider;
  before(async () => {
    config = await loadConfig({ env: {}, readFile: () => Promise.reject(new Error('no file')) });
    provider = await startTestProvider({ features: config.features, clients: config.clients });
  });
  after(() => provider.stop());

  it('is on for the demo clients, off with a configuration file', async () => {
    assert.equal(config.features.rpInitiatedLogout.enabled, true);
    const fromFile = await loadConfig({ env: { KUBEOIDC_CONFIG: 'c.yaml' }, readFile: () => Promise.resolve('{}') });
    assert.equal(fromFile.features.rpInitiatedLogout.enabled, false);

    const discovery = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(discovery.end_session_endpoint, `${provider.issuer}/logout`);
    const url = new URL('/logout', provider.issuer);
    url.searchParams.set('client_id', 'demo');
    url.searchParams.set('post_logout_redirect_uri', 'http://localhost:8080/');
    url.searchParams.set('state', 'dev');
    const response = await fetch(url, { redirect: 'manual' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), 'http://localhost:8080/?state=dev');
  });
});
