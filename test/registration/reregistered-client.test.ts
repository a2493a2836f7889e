import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../../provider/accounts/password.ts';
import { staticTokenHash } from '../../provider/registration/initial-access-token.ts';
import { opaqueTokenId } from '../../provider/tokens/opaque.ts';
import { BrowserlessClient, browserlessLogin, isPage } from '../support/browserless-login.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

/**
 * Attack: a team deletes its client (RFC 7592) and someone registers a new one under the same `client_id` — which the
 * operator's initial access token (policy `client_id`) allows. Before the fix the new client got `prompt=none` codes
 * for every user who consented to the old one. Deleting a client revokes its grants and what was issued from them, and
 * a re-registered id starts with no consent, on memory and on Redis storage.
 */
const iat = 'reregistration-initial-access-token-0123456789';
const redirectUri = 'http://127.0.0.1:9/callback';
const password = 'alice-password';

for (const kind of ['memory', 'redis'] as const) {
  describe(`a re-registered client_id starts with no consent (${kind} storage)`, () => {
    let redis: RedisServer | undefined;
    let provider: TestProvider;
    before(async () => {
      if (kind === 'redis') redis = await startRedis();
      provider = await startTestProvider({
        ...(redis ? { storage: { type: 'redis', url: redis.url, keyPrefix: 'rereg:' } } : {}),
        accounts: {
          records: [
            { username: 'alice', password_hash: await hashPassword(password, { N: 2 ** 10, r: 8, p: 1 }), sub: 'a' },
          ],
        },
        features: {
          registration: {
            enabled: true,
            initialAccessTokens: [{ sha256: staticTokenHash(iat), policies: ['client_id'] }],
          },
        },
      });
    });
    after(async () => {
      await provider.stop();
      await redis?.stop();
    });

    const register = async (clientId = 'team-app'): Promise<Record<string, string>> => {
      const response = await fetch(`${provider.issuer}/register`, {
        method: 'POST',
        headers: { authorization: `Bearer ${iat}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: clientId,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          scope: 'openid profile offline_access',
        }),
      });
      assert.equal(response.status, 201);
      return (await response.json()) as Record<string, string>;
    };
    const authorize = (params: Record<string, string> = {}): URL => {
      const url = new URL('/authorize', provider.issuer);
      const all = {
        client_id: 'team-app',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid',
        ...params,
      };
      for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value);
      return url;
    };
    const token = async (info: Record<string, string>, params: Record<string, string>): Promise<Response> =>
      fetch(`${provider.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${info.client_id}:${info.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(params).toString(),
      });

    it('revokes the deleted client’s grants and tokens; prompt=none gives consent_required to the new one', async () => {
      const old = await register();
      const browser = new BrowserlessClient(provider.issuer);
      const { params } = await browserlessLogin(authorize({ scope: 'openid offline_access', prompt: 'consent' }), {
        username: 'alice',
        password,
        client: browser,
      });
      const code = params.get('code') ?? '';
      const stored = await provider.storage.adapter('AuthorizationCode').find(opaqueTokenId(code));
      assert.ok(stored);
      const grantId = stored.grantId;
      const issued = await token(old, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
      assert.equal(issued.status, 200);
      const { refresh_token: refreshToken } = (await issued.json()) as { refresh_token: string };
      assert.ok(refreshToken);
      const remembered = await browser.get(authorize({ prompt: 'none' }));
      assert.ok(!isPage(remembered) && remembered.params.get('code'), 'consent remembered for the old client');

      const removed = await fetch(old.registration_client_uri, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${old.registration_access_token}` },
      });
      assert.equal(removed.status, 204);
      assert.equal(await provider.storage.adapter('Grant').find(grantId), undefined, 'the grant is revoked');
      assert.equal(
        await provider.storage.adapter('RefreshToken').find(opaqueTokenId(refreshToken)),
        undefined,
        'the refresh token issued from it is revoked',
      );

      const renewed = await register();
      const silent = await browser.get(authorize({ prompt: 'none' }));
      assert.ok(!isPage(silent), 'answered to the client');
      assert.equal(silent.params.get('error'), 'consent_required');
      assert.equal(silent.params.get('code'), null);
      const refreshed = await token(renewed, { grant_type: 'refresh_token', refresh_token: refreshToken });
      assert.equal(refreshed.status, 400);
    });

    it('binds a grant that survived deletion to the old incarnation only', async () => {
      // A grant the deletion could not reach (e.g. written by a replica during the deletion) is still void for the
      // new registration: it names the old incarnation.
      const first = await register('second-app');
      const browser = new BrowserlessClient(provider.issuer);
      const { params } = await browserlessLogin(authorize({ client_id: 'second-app', prompt: 'consent' }), {
        username: 'alice',
        password,
        client: browser,
      });
      const stored = await provider.storage.adapter('AuthorizationCode').find(opaqueTokenId(params.get('code') ?? ''));
      assert.ok(stored);
      const grant = await provider.storage.adapter('Grant').find(stored.grantId);
      assert.ok(grant);
      const removed = await fetch(first.registration_client_uri, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${first.registration_access_token}` },
      });
      assert.equal(removed.status, 204);
      await provider.storage.adapter('Grant').upsert(grant.jti, grant, 3600);
      await register('second-app');
      const silent = await browser.get(authorize({ client_id: 'second-app', prompt: 'none' }));
      assert.ok(!isPage(silent));
      assert.equal(silent.params.get('error'), 'consent_required');
    });
  });
}
