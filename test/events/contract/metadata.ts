/**
 * Situations of the discovery document and the JWK Set: reading either emits nothing; any method but GET/HEAD is the
 * endpoint's handled error (405 `invalid_request`, `discovery.error` / `jwks.error`).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { expectEvents, failed, type ContractProvider } from './harness.ts';

export function metadataSituations(provider: () => ContractProvider): void {
  it('discovery: nothing on GET, discovery.error on POST', async () => {
    const p = provider();
    p.log.take();
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      assert.equal((await fetch(`${p.issuer}${path}`)).status, 200);
      expectEvents(p.log.take(), []);
      const response = await fetch(`${p.issuer}${path}`, { method: 'POST' });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'GET, HEAD');
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
      expectEvents(p.log.take(), [['discovery.error', failed('discovery', 'invalid_request', null)]]);
    }
  });

  it('JWKS: nothing on GET, jwks.error on DELETE', async () => {
    const p = provider();
    p.log.take();
    assert.equal((await fetch(`${p.issuer}/jwks`)).status, 200);
    expectEvents(p.log.take(), []);
    const response = await fetch(`${p.issuer}/jwks`, { method: 'DELETE' });
    assert.equal(response.status, 405);
    expectEvents(p.log.take(), [['jwks.error', failed('jwks', 'invalid_request', null)]]);
  });
}
