/**
 * Attack: any confidential client — a team's CI job registered with `kubectl apply` — holds a token value of another
 * application (from a log, a shared cache) and asks introspection about it, learning that it is live and whose it is
 * (`sub`, `username`). Only the client the token was issued to, a resource server the token is meant for (its
 * `client_id` is the token's `aud`), and clients in `features.introspection.allowedClients` get an answer; everyone
 * else gets `{ active: false }`, exactly as for an unknown token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  basicAuth,
  basicClient,
  pkce,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from '../token/fixtures.ts';

const api = 'https://api.example.com/';

describe('who may introspect which token', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider({
      features: {
        introspection: { enabled: true, allowedClients: ['service'] },
        resourceIndicators: { enabled: true },
      },
    });
  });
  after(() => provider.stop());

  /** `auth`: an Authorization header, or `client_id`/`client_secret` sent in the body (client_secret_post). */
  const introspect = async (token: string, auth: Record<string, string>): Promise<Record<string, unknown>> => {
    const { authorization, ...inBody } = auth;
    const response = await fetch(`${provider.issuer}/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
      },
      body: new URLSearchParams({ token, ...inBody }).toString(),
    });
    assert.equal(response.status, 200);
    return (await response.json()) as Record<string, unknown>;
  };
  const asPost = { client_id: 'post', client_secret: 'post-secret' };
  const asService = { authorization: basicAuth('service', 'service-secret') };

  async function userTokens(): Promise<{ access: string; refresh: string }> {
    const { verifier, challenge } = pkce();
    const { code } = await seedCode(provider, { clientId: 'basic', codeChallenge: challenge });
    const { status, body } = await tokenRequest(
      provider,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
      basicClient,
    );
    assert.equal(status, 200, JSON.stringify(body));
    return { access: body.access_token as string, refresh: body.refresh_token as string };
  }

  it('another confidential client learns nothing about a token it neither holds nor serves', async () => {
    const { access, refresh } = await userTokens();
    assert.deepEqual(await introspect(access, asPost), { active: false });
    assert.deepEqual(await introspect(refresh, asPost), { active: false });
    assert.deepEqual(await introspect('never-issued', asPost), { active: false }, 'same answer as an unknown token');
    const own = await introspect(access, basicClient);
    assert.equal(own.active, true, 'the client it was issued to still sees it');
    assert.equal(own.sub, 'alice-sub');
  });

  it('a client in allowedClients may introspect every token', async () => {
    const { access } = await userTokens();
    const answer = await introspect(access, asService);
    assert.equal(answer.active, true);
    assert.equal(answer.client_id, 'basic');
  });

  it('a resource server whose client_id is the token audience may introspect it', async () => {
    const secret = 'api-secret-api-secret';
    const withApi = await startBackChannelProvider({
      features: { introspection: { enabled: true }, resourceIndicators: { enabled: true } },
      clients: [
        { client_id: 'caller', client_secret: 'caller-secret', grant_types: ['client_credentials'], scope: 'email' },
        { client_id: api, client_secret: secret, grant_types: ['client_credentials'], scope: 'email' },
        { client_id: 'bystander', client_secret: 'bystander-secret', grant_types: ['client_credentials'] },
      ],
    });
    try {
      const issued = await tokenRequest(
        withApi,
        { grant_type: 'client_credentials', scope: 'email', resource: api },
        { authorization: basicAuth('caller', 'caller-secret') },
      );
      assert.equal(issued.status, 200, JSON.stringify(issued.body));
      const token = issued.body.access_token as string;
      const ask = async (id: string, password: string) => {
        const response = await fetch(`${withApi.issuer}/introspect`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(id, password) },
          body: new URLSearchParams({ token }).toString(),
        });
        return (await response.json()) as Record<string, unknown>;
      };
      const asApi = await ask(api, secret);
      assert.equal(asApi.active, true, JSON.stringify(asApi));
      assert.equal(asApi.aud, api);
      assert.deepEqual(await ask('bystander', 'bystander-secret'), { active: false });
    } finally {
      await withApi.stop();
    }
  });
});
