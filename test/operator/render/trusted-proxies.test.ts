/**
 * `spec.trustedProxies` of an OIDCProvider reaches the provider's configuration (the ConfigMap), and its absence
 * renders the provider's own default (loopback only): a provider behind an ingress controller believes the
 * controller's X-Forwarded-For and nobody else's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderProviderConfig } from '../../../operator/providers/render/provider-config.ts';
import { validateConfig } from '../../../provider/config/validate.ts';
import { oidcProvider, withSpec } from '../fixtures.ts';

describe('trustedProxies in the rendered provider configuration', () => {
  it('defaults to loopback only', () => {
    assert.deepEqual(renderProviderConfig(oidcProvider('idp')).trustedProxies, ['loopback']);
  });

  it('renders the spec list, which the provider accepts', () => {
    const config = renderProviderConfig(
      oidcProvider('idp', withSpec({ trustedProxies: ['10.42.0.0/16', 'fd00::/8'] })),
    );
    assert.deepEqual(config.trustedProxies, ['10.42.0.0/16', 'fd00::/8']);
    assert.deepEqual(validateConfig(structuredClone(config)).trustedProxies, ['10.42.0.0/16', 'fd00::/8']);
  });

  it('refuses an entry the provider would refuse, naming the option', () => {
    assert.throws(
      () => renderProviderConfig(oidcProvider('idp', withSpec({ trustedProxies: ['10.0.0.0/40'] }))),
      /trustedProxies/,
    );
  });
});
