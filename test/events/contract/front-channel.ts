/**
 * Situations of the authorization endpoint and its interactions: a sign-in with login and consent, a silent request
 * without a session, a refused request, a login answered after its client was deleted (refused, nothing resolved), and
 * a refusal whose request no longer passes the checks when the browser returns through the resume URL (the client
 * was deleted meanwhile) — `interaction.ended` still fires, then `authorization.error`.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Prompt } from '../../../provider/models/types.ts';
import { formOf } from '../../support/browserless-login.ts';
import {
  asPage,
  asResponse,
  authorizationUrl,
  BrowserlessClient,
  openLogin,
  pkce,
  submitConsent,
  submitLogin,
} from './flows.ts';
import {
  aliceSub,
  at,
  expectEvents,
  failed,
  initialAccessToken,
  record,
  redirectUri,
  type ContractProvider,
} from './harness.ts';

const prompt =
  (name: Prompt['name']) =>
  (_ctx: unknown, value: Prompt): void => {
    assert.equal(value.name, name);
  };

/** Registers a public client (RFC 7591) and opens a sign-in of it in a new browser, up to the login page. */
async function loginOfNewClient(p: ContractProvider) {
  const registered = await fetch(`${p.issuer}/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${initialAccessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', scope: 'openid' }),
  });
  const client = (await registered.json()) as { client_id: string; registration_access_token: string };
  const browser = new BrowserlessClient(p.issuer);
  const { challenge } = pkce();
  const login = await openLogin(
    browser,
    authorizationUrl(p, challenge, { client_id: client.client_id, scope: 'openid' }),
  );
  return { client, browser, login };
}

export function frontChannelSituations(provider: () => ContractProvider): void {
  it('a sign-in: interactions for login and consent, a session, the code', async () => {
    const p = provider();
    p.log.take();
    const browser = new BrowserlessClient(p.issuer);
    const { challenge } = pkce();
    const login = await openLogin(browser, authorizationUrl(p, challenge));
    expectEvents(p.log.take(), [
      ['interaction.saved', record({ clientId: 'web', prompt: { name: 'login', reasons: ['no_session'] } })],
      ['interaction.started', prompt('login')],
    ]);
    // The login answer goes on at once (no resume URL in between): the interaction is taken, the consent one started.
    const consent = asPage(await submitLogin(browser, login));
    expectEvents(p.log.take(), [
      ['interaction.destroyed', record({ clientId: 'web' })],
      ['interaction.ended', at('authorization', 'web')],
      ['session.saved', record({ accountId: aliceSub })],
      ['interaction.saved', record({ clientId: 'web' })],
      ['interaction.started', prompt('consent')],
    ]);
    const response = asResponse(await submitConsent(browser, consent));
    assert.ok(response.params.get('code'));
    expectEvents(p.log.take(), [
      ['interaction.destroyed', record({ clientId: 'web' })],
      ['interaction.ended', at('authorization', 'web')],
      ['authorization.accepted', at('authorization', 'web')],
      ['session.saved', record({ accountId: aliceSub })],
      ['authorization_code.saved', record({ clientId: 'web', accountId: aliceSub, redirectUri })],
      ['authorization.success', at('authorization', 'web')],
    ]);
  });

  it('prompt=none without a session: authorization.error login_required', async () => {
    const p = provider();
    p.log.take();
    const { challenge } = pkce();
    const step = asResponse(
      await new BrowserlessClient(p.issuer).get(authorizationUrl(p, challenge, { prompt: 'none' })),
    );
    assert.equal(step.params.get('error'), 'login_required');
    expectEvents(p.log.take(), [['authorization.error', failed('authorization', 'login_required', 'web')]]);
  });

  it('PKCE plain: authorization.error invalid_request, redirected to the client', async () => {
    const p = provider();
    p.log.take();
    const url = authorizationUrl(p, 'a'.repeat(43), { code_challenge_method: 'plain' });
    const step = asResponse(await new BrowserlessClient(p.issuer).get(url));
    assert.equal(step.params.get('error'), 'invalid_request');
    expectEvents(p.log.take(), [['authorization.error', failed('authorization', 'invalid_request', 'web')]]);
  });

  it('the client is deleted during the login: its login answer is refused, nothing is resolved', async () => {
    const p = provider();
    const { client, browser, login } = await loginOfNewClient(p);
    // The client is deleted while the login page is shown; the login answer checks the request again.
    const removed = await fetch(`${p.issuer}/register/${client.client_id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${client.registration_access_token}` },
    });
    assert.equal(removed.status, 204);
    p.log.take();
    const page = asPage(await submitLogin(browser, login));
    assert.equal(page.status, 400);
    expectEvents(p.log.take(), []);
  });

  it('a refusal resumed after the client was deleted: interaction.ended, then authorization.error', async () => {
    const p = provider();
    const { client, browser, login } = await loginOfNewClient(p);
    const consent = asPage(await submitLogin(browser, login));
    // The consent is denied; the browser is stopped before it follows the redirect to the resume URL.
    const form = formOf(consent, '/consent');
    p.log.take();
    const submitted = await fetch(form.action, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: browser.jar.header(form.action), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.hidden, deny: 'yes' }).toString(),
    });
    browser.jar.store(form.action, submitted);
    const resume = new URL(submitted.headers.get('location') ?? '', form.action);
    expectEvents(p.log.take(), [['interaction.saved', record({ clientId: client.client_id })]]);
    const removed = await fetch(`${p.issuer}/register/${client.client_id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${client.registration_access_token}` },
    });
    assert.equal(removed.status, 204);
    p.log.take();
    const page = asPage(await browser.get(resume));
    assert.equal(page.status, 400);
    expectEvents(p.log.take(), [
      ['interaction.destroyed', record({ clientId: client.client_id })],
      ['interaction.ended', at('authorization', null)],
      ['authorization.error', failed('authorization', 'invalid_client', null)],
    ]);
  });
}
