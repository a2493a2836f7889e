import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  claimsForScope,
  parseClaimsParameter,
  requestedAcrValues,
  requestedClaims,
  selectClaims,
  supportedClaims,
} from '../../provider/accounts/claims.ts';
import { OIDCError } from '../../provider/errors/oidc-error.ts';

describe('claims by scope and claims parameter', () => {
  it('maps the standard scopes to their claims (OIDC Core §5.4)', () => {
    assert.deepEqual(
      [...claimsForScope('openid email phone')],
      ['email', 'email_verified', 'phone_number', 'phone_number_verified'],
    );
    assert.ok(claimsForScope('profile').has('preferred_username'));
    assert.deepEqual([...claimsForScope('address offline_access unknown')], ['address']);
    assert.ok(supportedClaims.includes('sub') && supportedClaims.includes('address'));
  });

  it('parses and validates the claims parameter (§5.5)', () => {
    const parsed = parseClaimsParameter(
      '{"id_token":{"acr":{"essential":true,"values":["urn:a","urn:b"]},"email":null},"userinfo":{"name":null},"x":1}',
    );
    assert.deepEqual(Object.keys(parsed).sort(), ['id_token', 'userinfo']);
    assert.deepEqual(requestedAcrValues(parsed), ['urn:a', 'urn:b']);
    for (const bad of [
      '[]',
      'nope',
      '{"id_token":[]}',
      '{"userinfo":{"a":1}}',
      '{"userinfo":{"a":{"essential":"y"}}}',
    ]) {
      assert.throws(
        () => parseClaimsParameter(bad),
        (error: unknown) => error instanceof OIDCError && error.error === 'invalid_request',
        bad,
      );
    }
  });

  it('combines scope and parameter per target and releases only what the account has', () => {
    const claims = '{"id_token":{"email":null},"userinfo":{"nickname":null}}';
    const idToken = requestedClaims({ scope: 'openid profile', claims, target: 'id_token', includeScopeClaims: false });
    assert.deepEqual([...idToken], ['email']);
    const userinfo = requestedClaims({ scope: 'openid email', claims, target: 'userinfo', includeScopeClaims: true });
    assert.deepEqual([...userinfo].sort(), ['email', 'email_verified', 'nickname']);
    const released = selectClaims({ email: 'a@example.com', name: 'A', sub: 'spoof', auth_time: 1 }, [
      'email',
      'email_verified',
      'sub',
      'auth_time',
    ]);
    assert.deepEqual(released, { email: 'a@example.com' });
  });
});
