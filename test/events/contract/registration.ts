/**
 * Situations of dynamic registration (RFC 7591) and management (RFC 7592): create saves the registration access
 * token; read and update emit only their `.error` when refused (update succeeds with `.success`); delete destroys the
 * token. Each refused request is the operation's `.error` (create, read, update, delete).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { RequestContext } from '../../../provider/events/context.ts';
import { at, expectEvents, failed, initialAccessToken, record, redirectUri, type ContractProvider } from './harness.ts';

function call(p: ContractProvider, method: string, path: string, bearer: string, body?: object): Promise<Response> {
  return fetch(`${p.issuer}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

const withClient =
  (route: string, clientId: string) =>
  (ctx: RequestContext, client: { clientId: string }): void => {
    at(route)(ctx);
    assert.equal(client.clientId, clientId);
  };

export function registrationSituations(provider: () => ContractProvider): void {
  it('create, read, update and delete a client, and each refused', async () => {
    const p = provider();
    p.log.take();
    const metadata = { redirect_uris: [redirectUri], client_name: 'Contract app', scope: 'openid profile' };
    const created = await call(p, 'POST', '/register', initialAccessToken, metadata);
    assert.equal(created.status, 201);
    const client = (await created.json()) as { client_id: string; registration_access_token: string };
    expectEvents(p.log.take(), [
      ['registration_access_token.saved', record({ clientId: client.client_id })],
      ['registration_create.success', withClient('registration', client.client_id)],
    ]);

    const refused = await call(p, 'POST', '/register', initialAccessToken, { redirect_uris: ['not a uri'] });
    assert.equal(refused.status, 400);
    expectEvents(p.log.take(), [['registration_create.error', failed('registration', 'invalid_redirect_uri')]]);

    const path = `/register/${client.client_id}`;
    assert.equal((await call(p, 'GET', path, client.registration_access_token)).status, 200);
    expectEvents(p.log.take(), []);
    assert.equal((await call(p, 'GET', path, 'wrong-token')).status, 401);
    expectEvents(p.log.take(), [['registration_read.error', failed('registration', 'invalid_token')]]);

    const updated = await call(p, 'PUT', path, client.registration_access_token, {
      ...metadata,
      client_id: client.client_id,
      client_name: 'Contract app, renamed',
    });
    assert.equal(updated.status, 200, await updated.clone().text());
    expectEvents(p.log.take(), [['registration_update.success', withClient('registration', client.client_id)]]);
    assert.equal((await call(p, 'PUT', path, 'wrong-token', metadata)).status, 401);
    expectEvents(p.log.take(), [['registration_update.error', failed('registration', 'invalid_token')]]);

    assert.equal((await call(p, 'DELETE', path, 'wrong-token')).status, 401);
    expectEvents(p.log.take(), [['registration_delete.error', failed('registration', 'invalid_token')]]);
    assert.equal((await call(p, 'DELETE', path, client.registration_access_token)).status, 204);
    expectEvents(p.log.take(), [
      ['registration_access_token.destroyed', record({ clientId: client.client_id })],
      ['registration_delete.success', withClient('registration', client.client_id)],
    ]);
  });
}
