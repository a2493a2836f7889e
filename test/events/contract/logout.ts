/**
 * Situations of RP-initiated and back-channel logout: signing out notifies each client of the session that registered
 * a back-channel URI (`backchannel.success`, or `backchannel.error` when it does not answer), revokes the session's
 * grants that are not offline (`grant.revoked`), destroys the session and succeeds; a post-logout redirect URI the
 * client never registered is `end_session.error`.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { RequestContext } from '../../../provider/events/context.ts';
import { formOf } from '../../support/browserless-login.ts';
import { asPage, signIn, type BrowserlessClient } from './flows.ts';
import { aliceSub, at, expectEvents, failed, postLogoutRedirectUri, record, type ContractProvider } from './harness.ts';

/** Opens the end-session endpoint for `clientId` and answers "Sign out" on the confirmation page. */
async function signOut(p: ContractProvider, browser: BrowserlessClient, clientId: string): Promise<void> {
  const url = new URL('/logout', p.issuer);
  url.searchParams.set('client_id', clientId);
  const page = asPage(await browser.get(url));
  const done = await browser.submit(formOf(page, '/logout/confirm'), { logout: 'yes' });
  assert.ok('html' in done && done.status === 200, 'the signed-out page');
}

const notified =
  (clientId: string) =>
  (ctx: RequestContext, client: { clientId: string }, accountId: string, sid: string): void => {
    at('end_session', clientId)(ctx);
    assert.equal(client.clientId, clientId);
    assert.equal(accountId, aliceSub);
    assert.equal(typeof sid, 'string');
  };

export function logoutSituations(provider: () => ContractProvider): void {
  it('signing out of a session of web: back-channel notified, grant revoked, session destroyed', async () => {
    const p = provider();
    const { browser } = await signIn(p, { scope: 'openid profile' });
    const received = p.receiver.received.length;
    p.log.take();
    await signOut(p, browser, 'web');
    expectEvents(p.log.take(), [
      ['backchannel.success', notified('web')],
      ['grant.revoked', at('end_session', 'web')],
      ['session.destroyed', record({ accountId: aliceSub })],
      ['end_session.success', at('end_session', 'web')],
    ]);
    assert.equal(p.receiver.received.length, received + 1, 'the receiver got the logout token');
  });

  it('signing out of a session of a client whose back-channel URI does not answer: backchannel.error', async () => {
    const p = provider();
    const { browser } = await signIn(p, { client_id: 'down', scope: 'openid' });
    p.log.take();
    await signOut(p, browser, 'down');
    expectEvents(p.log.take(), [
      [
        'backchannel.error',
        (ctx: RequestContext, error: Error, client: { clientId: string }, accountId: string): void => {
          at('end_session', 'down')(ctx);
          assert.ok(error instanceof Error);
          assert.equal(client.clientId, 'down');
          assert.equal(accountId, aliceSub);
        },
      ],
      ['grant.revoked', at('end_session', 'down')],
      ['session.destroyed', record({ accountId: aliceSub })],
      ['end_session.success', at('end_session', 'down')],
    ]);
  });

  it('an unregistered post_logout_redirect_uri: end_session.error', async () => {
    const p = provider();
    p.log.take();
    const url = new URL('/logout', p.issuer);
    url.searchParams.set('client_id', 'web');
    url.searchParams.set('post_logout_redirect_uri', `${postLogoutRedirectUri}/elsewhere`);
    const response = await fetch(url, { redirect: 'manual' });
    assert.equal(response.status, 400);
    expectEvents(p.log.take(), [['end_session.error', failed('end_session', 'invalid_request', 'web')]]);
  });
}
