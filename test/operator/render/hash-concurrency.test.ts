/**
 * A provider pod's CPU limit bounds the password hashes it runs at once (`accounts.passwordHashConcurrency` in the
 * rendered configuration): ⌈limit⌉ − 1, at least 1; no CPU limit leaves the provider's own default (cores − 1).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuCores, hashConcurrencyFor } from '../../../operator/providers/render/hash-concurrency.ts';
import { renderProviderConfig } from '../../../operator/providers/render/provider-config.ts';
import { validateConfig } from '../../../provider/config/validate.ts';
import { oidcProvider, withSpec } from '../fixtures.ts';

describe('password hash concurrency from the CPU limit', () => {
  it('reads Kubernetes CPU quantities', () => {
    assert.equal(cpuCores('2'), 2);
    assert.equal(cpuCores('1.5'), 1.5);
    assert.equal(cpuCores('500m'), 0.5);
    assert.equal(cpuCores(3), 3);
    assert.equal(cpuCores('0'), undefined);
    assert.equal(cpuCores('2Gi'), undefined);
  });

  it('is the limit rounded up minus one, at least one', () => {
    assert.equal(hashConcurrencyFor({ limits: { cpu: '500m' } }), 1);
    assert.equal(hashConcurrencyFor({ limits: { cpu: '1' } }), 1);
    assert.equal(hashConcurrencyFor({ limits: { cpu: '2' } }), 1);
    assert.equal(hashConcurrencyFor({ limits: { cpu: '2500m' } }), 2);
    assert.equal(hashConcurrencyFor({ limits: { cpu: 4 } }), 3);
    assert.equal(hashConcurrencyFor({ requests: { cpu: '4' } }), undefined, 'a request is not a limit');
    assert.equal(hashConcurrencyFor(undefined), undefined);
  });

  it('reaches the rendered configuration, which the provider accepts; absent without a CPU limit', () => {
    const limited = renderProviderConfig(
      oidcProvider('idp', withSpec({ resources: { limits: { cpu: '3', memory: '256Mi' } } })),
    );
    assert.equal(limited.accounts.passwordHashConcurrency, 2);
    assert.equal(validateConfig(structuredClone(limited)).accounts.passwordHashConcurrency, 2);
    const unlimited = renderProviderConfig(oidcProvider('idp'));
    assert.equal(unlimited.accounts.passwordHashConcurrency, undefined);
  });
});
