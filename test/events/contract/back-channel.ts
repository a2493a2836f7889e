/**
 * Situations of introspection (RFC 7662) and revocation (RFC 7009): revoking each kind of token destroys it (a refresh
 * token takes its grant: `grant.revoked`); a failed client authentication or a missing token is the endpoint's
 * `.error`. Introspection of a live token emits nothing.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { token, tokensOf } from './flows.ts';
import { at, basic, expectEvents, failed, postForm, record, webSecret, type ContractProvider } from './harness.ts';

export function backChannelSituations(provider: () => ContractProvider): void {
  const web = basic('web', webSecret);

  it('introspection: nothing for a live token, introspection.error for a bad client', async () => {
    const p = provider();
    const { access } = await tokensOf(p);
    p.log.take();
    const live = await postForm(`${p.issuer}/introspect`, { token: access }, web);
    assert.equal(live.body.active, true);
    expectEvents(p.log.take(), []);
    const bad = await postForm(`${p.issuer}/introspect`, { token: access }, basic('web', 'wrong'));
    assert.equal(bad.status, 401);
    expectEvents(p.log.take(), [['introspection.error', failed('introspection', 'invalid_client', null)]]);
  });

  it('revocation: access token and client-credentials token destroyed; a refresh token revokes its grant', async () => {
    const p = provider();
    const { access, refresh } = await tokensOf(p);
    const service = await token(p, { grant_type: 'client_credentials', scope: 'profile' });
    p.log.take();
    assert.equal((await postForm(`${p.issuer}/revoke`, { token: access }, web)).status, 200);
    expectEvents(p.log.take(), [['access_token.destroyed', record({ clientId: 'web' })]]);
    const serviceToken = service.body.access_token as string;
    assert.equal((await postForm(`${p.issuer}/revoke`, { token: serviceToken }, web)).status, 200);
    expectEvents(p.log.take(), [['client_credentials.destroyed', record({ clientId: 'web' })]]);
    assert.equal((await postForm(`${p.issuer}/revoke`, { token: refresh }, web)).status, 200);
    const events = p.log.take();
    expectEvents(events, [
      ['refresh_token.destroyed', record({ clientId: 'web' })],
      ['grant.revoked', at('revocation', 'web')],
    ]);
    assert.equal(events[1]?.args[1], (events[0]?.args[0] as { grantId: string }).grantId);
  });

  it('revocation.error for a request without a token', async () => {
    const p = provider();
    p.log.take();
    const response = await postForm(`${p.issuer}/revoke`, {}, web);
    assert.equal(response.status, 400);
    expectEvents(p.log.take(), [['revocation.error', failed('revocation', 'invalid_request', 'web')]]);
  });
}
