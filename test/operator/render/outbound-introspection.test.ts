/**
 * `spec.outbound.allow` and `spec.features.introspection.allowedClients` of an OIDCProvider reach the provider's
 * configuration (the ConfigMap); without them the provider's own defaults (nothing internal reachable, no client
 * introspecting others' tokens) are rendered. An entry the provider would refuse is a spec problem, naming the option.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderProviderConfig } from '../../../operator/providers/render/provider-config.ts';
import { specProblems } from '../../../operator/providers/spec-problems.ts';
import { validateConfig } from '../../../provider/config/validate.ts';
import { oidcProvider, withSpec } from '../fixtures.ts';

describe('outbound.allow and introspection.allowedClients in the rendered provider configuration', () => {
  it('default to empty lists', () => {
    const config = renderProviderConfig(oidcProvider('idp'));
    assert.deepEqual(config.outbound, { allow: [] });
    assert.deepEqual(config.features.introspection.allowedClients, []);
  });

  it('render the spec lists, which the provider accepts', () => {
    const provider = oidcProvider(
      'idp',
      withSpec({
        outbound: { allow: ['10.42.0.0/16', 'fd00::/8', 'jwks.team-a.svc.cluster.local'] },
        features: { introspection: { enabled: true, allowedClients: ['api-gateway'] } },
      }),
    );
    const config = validateConfig(structuredClone(renderProviderConfig(provider)));
    assert.deepEqual(config.outbound.allow, ['10.42.0.0/16', 'fd00::/8', 'jwks.team-a.svc.cluster.local']);
    assert.deepEqual(config.features.introspection.allowedClients, ['api-gateway']);
    assert.deepEqual(specProblems(provider), []);
  });

  it('report an outbound entry the provider would refuse as a spec problem naming the option', () => {
    const provider = oidcProvider('idp', withSpec({ outbound: { allow: ['10.0.0.0/40'] } }));
    assert.throws(() => renderProviderConfig(provider), /outbound\.allow\[0\]/);
    assert.match(specProblems(provider).join('\n'), /outbound\.allow\[0\]/);
  });
});
