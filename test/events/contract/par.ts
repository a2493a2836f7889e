/**
 * Situations of pushed authorization requests (RFC 9126): a push is saved and succeeds; the browser's use of the
 * `request_uri` destroys it (used once) and the authorization goes on; a bad push is
 * `pushed_authorization_request.error`.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { BrowserlessClient, openLogin, pkce } from './flows.ts';
import {
  at,
  basic,
  expectEvents,
  failed,
  postForm,
  record,
  redirectUri,
  webSecret,
  type ContractProvider,
} from './harness.ts';

export function parSituations(provider: () => ContractProvider): void {
  it('a push, then its request_uri used by the browser', async () => {
    const p = provider();
    const { challenge } = pkce();
    p.log.take();
    const pushed = await postForm(
      `${p.issuer}/par`,
      {
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid profile',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      basic('web', webSecret),
    );
    assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
    expectEvents(p.log.take(), [
      ['pushed_authorization_request.saved', record({ clientId: 'web' })],
      [
        'pushed_authorization_request.success',
        (ctx: Parameters<ReturnType<typeof at>>[0], client: { clientId: string }) => {
          at('pushed_authorization_request', 'web')(ctx);
          assert.equal(client.clientId, 'web');
        },
      ],
    ]);
    const url = new URL('/authorize', p.issuer);
    url.searchParams.set('client_id', 'web');
    url.searchParams.set('request_uri', pushed.body.request_uri as string);
    await openLogin(new BrowserlessClient(p.issuer), url);
    expectEvents(p.log.take(), [
      ['pushed_authorization_request.destroyed', record({ clientId: 'web' })],
      ['interaction.saved', record({ clientId: 'web' })],
      ['interaction.started', at('authorization', 'web')],
    ]);
  });

  it('a push with a request_uri in it: pushed_authorization_request.error', async () => {
    const p = provider();
    p.log.take();
    const response = await postForm(
      `${p.issuer}/par`,
      { response_type: 'code', redirect_uri: redirectUri, scope: 'openid', request_uri: 'urn:x' },
      basic('web', webSecret),
    );
    assert.equal(response.status, 400);
    expectEvents(p.log.take(), [
      ['pushed_authorization_request.error', failed('pushed_authorization_request', 'invalid_request', 'web')],
    ]);
  });
}
