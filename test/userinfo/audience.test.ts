/**
 * Attack: a resource server (or whoever steals from it) replays an access token that was issued for it — audience
 * `https://api.example.com/` chosen with a resource indicator (RFC 8707) — at the provider's userinfo endpoint to read
 * the end-user's claims. RFC 9068 §4 / RFC 8707: a protected resource must refuse a token not meant for it. Userinfo
 * accepts a token whose audience includes its own URL, or one that carries no resource restriction; opaque and JWT
 * access tokens alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  basicAuth,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  userinfo,
  type BackChannelProvider,
} from '../token/fixtures.ts';

const api = 'https://api.example.com/';
const scope = 'openid email';
const clients = [
  { client_id: 'jwt-at', client_secret: 'jwt-at-secret', access_token_format: 'jwt', redirect_uris: [redirectUri] },
  { client_id: 'opaque-at', client_secret: 'opaque-at-secret', redirect_uris: [redirectUri] },
].map((client) => ({ ...client, grant_types: ['authorization_code'], scope }));

describe('userinfo refuses access tokens meant for another resource', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider({
      clients,
      features: { jwtAccessTokens: { enabled: true }, resourceIndicators: { enabled: true } },
    });
  });
  after(() => provider.stop());

  /** An access token of `clientId` from a real code exchange, with `resource` consented and chosen when given. */
  async function accessToken(clientId: 'jwt-at' | 'opaque-at', resource?: string): Promise<string> {
    const seeded = await seedCode(provider, { clientId, scope });
    if (resource !== undefined) await provider.models.save({ ...seeded.record, resource });
    const { status, body } = await tokenRequest(
      provider,
      { grant_type: 'authorization_code', code: seeded.code, redirect_uri: redirectUri },
      { authorization: basicAuth(clientId, `${clientId}-secret`) },
    );
    assert.equal(status, 200, JSON.stringify(body));
    return body.access_token as string;
  }

  for (const clientId of ['opaque-at', 'jwt-at'] as const) {
    it(`${clientId}: a token for another resource server is invalid_token at userinfo`, async () => {
      const answer = await userinfo(provider, await accessToken(clientId, api));
      assert.equal(answer.status, 401);
      assert.equal(answer.body.error, 'invalid_token');
      assert.match(answer.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.equal(answer.body.email, undefined, 'no claim released');
    });

    it(`${clientId}: a token without a resource, or for userinfo itself, is served`, async () => {
      const plain = await userinfo(provider, await accessToken(clientId));
      assert.equal(plain.status, 200, JSON.stringify(plain.body));
      assert.equal(plain.body.sub, 'alice-sub');
      const forUserinfo = await userinfo(provider, await accessToken(clientId, `${provider.issuer}/userinfo`));
      assert.equal(forUserinfo.status, 200, JSON.stringify(forUserinfo.body));
      assert.equal(forUserinfo.body.sub, 'alice-sub');
    });
  }
});
