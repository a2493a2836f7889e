/**
 * Attack: a client (or whoever copies its configuration) mints one client assertion that expires in ten years and
 * uses it as a standing password — at every endpoint that has not seen its `jti` yet, and until its replay record,
 * which must live as long, is gone. Assertions are bounded by `clientAuthentication.assertionMaxLifetime`
 * (default 600 s): `exp` further than that from `iat`, or from now, is `invalid_client`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import {
  jwtSecret,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from '../token/fixtures.ts';

const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const tenYears = 10 * 365 * 24 * 3600;

describe('client assertion lifetime', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider();
  });
  after(() => provider.stop());

  const now = () => Math.floor(Date.now() / 1000);

  /** Signs an assertion for `clientId` with these `iat` (undefined = none) and `exp`. */
  async function assertion(clientId: 'jwt' | 'pkjwt', iat: number | undefined, exp: number): Promise<string> {
    const jwt = new SignJWT({ jti: randomUUID() })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(`${provider.issuer}/token`)
      .setExpirationTime(exp);
    if (iat !== undefined) jwt.setIssuedAt(iat);
    return clientId === 'jwt'
      ? jwt.setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(jwtSecret))
      : jwt.setProtectedHeader({ alg: 'ES256', kid: 'client-key-1' }).sign(provider.clientKey.privateKey);
  }

  async function redeemWith(clientId: 'jwt' | 'pkjwt', jwt: string) {
    const { code } = await seedCode(provider, { clientId });
    return tokenRequest(provider, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_assertion_type: assertionType,
      client_assertion: jwt,
    });
  }

  for (const clientId of ['jwt', 'pkjwt'] as const) {
    it(`${clientId}: refuses an assertion that expires in ten years, with or without iat`, async () => {
      const t = now();
      for (const iat of [t, undefined]) {
        const answer = await redeemWith(clientId, await assertion(clientId, iat, t + tenYears));
        assert.equal(answer.status, 401, JSON.stringify(answer.body));
        assert.equal(answer.body.error, 'invalid_client');
        assert.match(String(answer.body.error_description), /must expire within 600 seconds/);
      }
    });

    it(`${clientId}: refuses exp - iat over the bound even when exp is near; accepts a usual assertion`, async () => {
      const t = now();
      const backdated = await redeemWith(clientId, await assertion(clientId, t - 3600, t + 60));
      assert.equal(backdated.status, 401, JSON.stringify(backdated.body));
      const usual = await redeemWith(clientId, await assertion(clientId, t, t + 300));
      assert.equal(usual.status, 200, JSON.stringify(usual.body));
      const atTheBound = await redeemWith(clientId, await assertion(clientId, now(), now() + 600 - 1));
      assert.equal(atTheBound.status, 200, JSON.stringify(atTheBound.body));
    });
  }

  it('the bound is an option', async () => {
    const wide = await startBackChannelProvider({ clientAuthentication: { assertionMaxLifetime: 7200 } });
    try {
      const jwt = await new SignJWT({ jti: randomUUID() })
        .setIssuer('jwt')
        .setSubject('jwt')
        .setAudience(`${wide.issuer}/token`)
        .setIssuedAt(now() - 1)
        .setExpirationTime(now() + 3600)
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(jwtSecret));
      const { code } = await seedCode(wide, { clientId: 'jwt' });
      const answer = await tokenRequest(wide, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_assertion_type: assertionType,
        client_assertion: jwt,
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    } finally {
      await wide.stop();
    }
  });
});
