/**
 * The key retention rule with the margins an OIDCProvider configures (`spec.signing.retention`): pure, no clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CLOCK_SKEW_MARGIN_MS,
  POD_PROPAGATION_MARGIN_MS,
  retentionMargins,
  retentionMs,
  rotationPolicy,
} from '../../../operator/providers/keys/policy.ts';
import { oidcProvider, withSpec } from '../fixtures.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const shortTtl = { idToken: 60, accessToken: 60, clientCredentials: 60, session: 90 };

describe('key retention margins from spec.signing.retention', () => {
  it('adds the configured pod propagation and clock skew margins to the longest lifetime', () => {
    const provider = oidcProvider(
      'idp',
      withSpec({ ttl: shortTtl, signing: { retention: { podPropagationMargin: '10s', clockSkewMargin: '1m30s' } } }),
    );
    assert.deepEqual(retentionMargins(provider), { podPropagationMs: 10 * SECOND, clockSkewMs: 90 * SECOND });
    assert.equal(rotationPolicy(provider).retireAfterMs, 90 * SECOND + 10 * SECOND + 90 * SECOND);
  });

  it('accepts 0s margins: the retention is then the longest lifetime alone', () => {
    const provider = oidcProvider(
      'idp',
      withSpec({ ttl: shortTtl, signing: { retention: { podPropagationMargin: '0s', clockSkewMargin: '0s' } } }),
    );
    assert.equal(rotationPolicy(provider).retireAfterMs, 90 * SECOND);
  });

  it('keeps 5 min each when unset, or when only one margin is set', () => {
    assert.equal(POD_PROPAGATION_MARGIN_MS, 5 * MINUTE);
    assert.equal(CLOCK_SKEW_MARGIN_MS, 5 * MINUTE);
    const unset = oidcProvider('idp', withSpec({ ttl: shortTtl }));
    assert.equal(rotationPolicy(unset).retireAfterMs, 90 * SECOND + 10 * MINUTE);
    const onlySkew = oidcProvider(
      'idp',
      withSpec({ ttl: shortTtl, signing: { retention: { clockSkewMargin: '1s' } } }),
    );
    assert.equal(rotationPolicy(onlySkew).retireAfterMs, 90 * SECOND + 5 * MINUTE + SECOND);
    assert.equal(retentionMs(shortTtl), 90 * SECOND + 10 * MINUTE, 'retentionMs defaults to the 5 min margins');
  });

  it('falls back to the default for a margin spec validation refuses (not a duration, above 24h)', () => {
    const provider = oidcProvider(
      'idp',
      withSpec({ ttl: shortTtl, signing: { retention: { podPropagationMargin: '5 min', clockSkewMargin: '25h' } } }),
    );
    assert.deepEqual(retentionMargins(provider), { podPropagationMs: 5 * MINUTE, clockSkewMs: 5 * MINUTE });
  });
});
