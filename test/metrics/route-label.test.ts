import assert from 'node:assert/strict';
import { it } from 'node:test';
import { routeLabel } from '../../provider/metrics/labels.ts';

it('labels every client configuration endpoint /register/<client_id> as one route, registration', () => {
  assert.equal(routeLabel('/register'), 'registration');
  assert.equal(routeLabel('/register/some-client'), 'registration');
  assert.equal(routeLabel('/register/a%2Fb'), 'registration');
  assert.equal(routeLabel('/introspect'), 'introspection');
  assert.equal(routeLabel('/revoke'), 'revocation');
  assert.equal(routeLabel('/registered'), 'other');
  assert.equal(routeLabel('/interaction/abc'), 'interaction');
});
