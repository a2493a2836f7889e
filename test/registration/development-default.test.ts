import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_INITIAL_ACCESS_TOKEN } from '../../provider/config/dev-defaults.ts';
import { loadConfig } from '../../provider/config/load.ts';
import type { ProviderConfig } from '../../provider/config/options.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

/**
 * The development default (`npm start` without KUBEOIDC_CONFIG) turns on what a developer expects: introspection,
 * revocation, and registration with the printed demo initial access token. A configuration file turns nothing on.
 */
describe('management endpoints in the development default', () => {
  let config: ProviderConfig;
  let provider: TestProvider;
  before(async () => {
    config = await loadConfig({ env: {}, readFile: () => Promise.reject(new Error('no file')) });
    provider = await startTestProvider({ features: config.features });
  });
  after(() => provider.stop());

  it('enables introspection, revocation and registration; a file does not', async () => {
    assert.equal(config.features.introspection.enabled, true);
    assert.equal(config.features.revocation.enabled, true);
    assert.equal(config.features.registration.enabled, true);
    const fromFile = await loadConfig({ env: { KUBEOIDC_CONFIG: 'c.yaml' }, readFile: () => Promise.resolve('{}') });
    assert.equal(fromFile.features.registration.enabled, false);
    assert.equal(fromFile.features.introspection.enabled, false);
  });

  it('registers a client with the demo initial access token', async () => {
    const response = await fetch(`${provider.issuer}/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_INITIAL_ACCESS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'my-dev-app', redirect_uris: ['http://localhost:8080/callback'] }),
    });
    assert.equal(response.status, 201);
    assert.equal(((await response.json()) as { client_id: string }).client_id, 'my-dev-app');
  });
});
