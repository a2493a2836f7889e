/**
 * `spec.redis.commandTimeoutMs` of an OIDCProvider reaches the provider's `storage.commandTimeoutMs` (the ConfigMap),
 * within the bounds the provider accepts; unset, nothing is rendered and the provider keeps its own default (1000 ms).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderProviderConfig } from '../../../operator/providers/render/provider-config.ts';
import { validateConfig } from '../../../provider/config/validate.ts';
import { crdValidator } from '../../support/crd-ajv.ts';
import { oidcProvider, withSpec } from '../fixtures.ts';

const storageOf = (config: ReturnType<typeof renderProviderConfig>): Record<string, unknown> => config.storage;

describe('redis.commandTimeoutMs in the rendered provider configuration', () => {
  it('is absent unless set: the provider default applies', () => {
    assert.equal('commandTimeoutMs' in storageOf(renderProviderConfig(oidcProvider('idp'))), false);
  });

  it('renders the spec value for every Redis source, and the provider accepts it', () => {
    for (const redis of [
      { url: 'redis://redis:6379' },
      { secretRef: { name: 'redis', key: 'url' } },
      { sentinel: { masterName: 'm', sentinels: ['sentinel:26379'] } },
      { cluster: { nodes: ['redis-0:6379'] } },
    ]) {
      const config = renderProviderConfig(
        oidcProvider('idp', withSpec({ redis: { ...redis, commandTimeoutMs: 2500 } })),
      );
      assert.equal(storageOf(config).commandTimeoutMs, 2500, JSON.stringify(redis));
      // With secretRef the URL arrives through the environment at run time (the render checked it with a stand-in).
      if ('secretRef' in redis) continue;
      assert.equal(storageOf(validateConfig(structuredClone(config))).commandTimeoutMs, 2500);
    }
  });

  it('is bounded the same in the CRD and in the provider (10–60000 ms)', () => {
    const validate = crdValidator('OIDCProvider', { rejectUnknownFields: true });
    for (const [value, ok] of [
      [10, true],
      [60_000, true],
      [9, false],
      [60_001, false],
      [1.5, false],
    ] as const) {
      const provider = oidcProvider('idp', withSpec({ redis: { url: 'redis://redis:6379', commandTimeoutMs: value } }));
      assert.equal(validate(provider).length === 0, ok, `CRD, ${value}: ${validate(provider).join('; ')}`);
      const rendered = (): unknown => renderProviderConfig(provider);
      if (ok) rendered();
      else assert.throws(rendered, /commandTimeoutMs/, `provider, ${value}`);
    }
  });
});
