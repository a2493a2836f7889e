import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { manualClock } from '../../provider/time/clock.ts';
import { tokenHash } from '../../provider/tokens/hash.ts';
import {
  basicClient,
  pkce,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  userinfo,
  type BackChannelProvider,
} from './fixtures.ts';

describe('token endpoint: authorization_code', () => {
  const clock = manualClock(Date.UTC(2026, 0, 1, 12));
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider({}, { clock });
  });
  after(() => provider.stop());

  const redeem = (code: string, extra: Record<string, string> = {}) =>
    tokenRequest(
      provider,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...extra },
      basicClient,
    );

  it('a relying party redeems a code for access, refresh and ID tokens, never cached', async () => {
    const { verifier, challenge } = pkce();
    const { code, grantId } = await seedCode(provider, { clientId: 'basic', nonce: 'n-123', codeChallenge: challenge });
    const response = await redeem(code, { code_verifier: verifier });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('pragma'), 'no-cache');
    const { access_token: at, refresh_token: rt, id_token: idToken, token_type, expires_in, scope } = response.body;
    assert.equal(token_type, 'Bearer');
    assert.equal(expires_in, provider.config.ttl.accessToken);
    assert.equal(scope, 'openid profile email offline_access');
    assert.match(String(at), /^[\w-]{43}$/, 'opaque, 256 bits');
    assert.match(String(rt), /^[\w-]{43}$/);

    const jwks = createLocalJWKSet((await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: JWK[] });
    const { payload, protectedHeader } = await jwtVerify(String(idToken), jwks, {
      issuer: provider.issuer,
      audience: 'basic',
      currentDate: new Date(clock.now()),
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sub, 'alice-sub');
    assert.equal(payload.nonce, 'n-123');
    assert.equal(payload.sid, 'sid-1');
    assert.deepEqual(payload.amr, ['pwd']);
    assert.equal(payload.auth_time, Math.floor(clock.now() / 1000) - 5);
    assert.equal(payload.at_hash, tokenHash(String(at), 'RS256'));
    assert.equal(payload.exp, (payload.iat ?? 0) + provider.config.ttl.idToken);
    assert.equal(payload.azp, undefined, 'single audience: no azp');
    assert.equal(payload.email, undefined, 'scope claims go to userinfo when an access token is issued');

    const stored = provider.seen.find((event) => event.name === 'access_token.saved')?.args[0] as { grantId: string };
    assert.equal(stored.grantId, grantId);
    assert.equal(JSON.stringify(provider.seen.map((event) => event.args[0])).includes(String(at)), false);
    assert.equal((await userinfo(provider, String(at))).status, 200);
  });

  it('a second redemption fails and revokes every token issued from the first', async () => {
    const { code, grantId } = await seedCode(provider, { clientId: 'basic' });
    const first = await redeem(code);
    assert.equal(first.status, 200);
    provider.seen.length = 0;
    const second = await redeem(code);
    assert.equal(second.status, 400);
    assert.equal(second.body.error, 'invalid_grant');
    assert.deepEqual(
      provider.seen.find((event) => event.name === 'grant.revoked')?.args[1],
      grantId,
      'grant.revoked(ctx, grantId)',
    );
    assert.ok(provider.seen.some((event) => event.name === 'authorization_code.destroyed'));
    assert.ok(provider.seen.some((event) => event.name === 'grant.error'));
    const access = await userinfo(provider, String(first.body.access_token));
    assert.equal(access.status, 401, 'the first access token is revoked');
    const refresh = await tokenRequest(
      provider,
      { grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token) },
      basicClient,
    );
    assert.equal(refresh.body.error, 'invalid_grant', 'the first refresh token is revoked');
    assert.equal(await provider.models.find('Grant', grantId), undefined, 'the grant itself is gone');
  });

  it('of two concurrent redemptions exactly one wins, and the grant is revoked', async () => {
    const { code } = await seedCode(provider, { clientId: 'basic' });
    const results = await Promise.all([redeem(code), redeem(code), redeem(code)]);
    const winners = results.filter((result) => result.status === 200);
    assert.equal(winners.length, 1);
    assert.equal((await userinfo(provider, String(winners[0].body.access_token))).status, 401);
  });

  it('refuses a wrong code_verifier, a missing one, and one without a challenge', async () => {
    const { challenge } = pkce();
    const withChallenge = await seedCode(provider, { clientId: 'basic', codeChallenge: challenge });
    const wrong = await redeem(withChallenge.code, { code_verifier: pkce().verifier });
    assert.deepEqual([wrong.status, wrong.body.error], [400, 'invalid_grant']);
    assert.match(String(wrong.body.error_description), /code_verifier/);
    const missing = await redeem(withChallenge.code);
    assert.equal(missing.body.error, 'invalid_grant');
    const plain = await seedCode(provider, { clientId: 'basic' });
    const unexpected = await redeem(plain.code, { code_verifier: pkce().verifier });
    assert.equal(unexpected.body.error, 'invalid_grant');
    const malformed = await redeem(withChallenge.code, { code_verifier: 'short' });
    assert.equal(malformed.body.error, 'invalid_request');
  });

  it('with PKCE (checked and consumed in one storage step): refusals do not burn the code; a replay revokes', async () => {
    const { verifier, challenge } = pkce();
    const seeded = await seedCode(provider, { clientId: 'basic', codeChallenge: challenge });
    const wrongVerifier = await redeem(seeded.code, { code_verifier: pkce().verifier });
    assert.match(String(wrongVerifier.body.error_description), /code_verifier does not match/);
    const wrongUri = await redeem(seeded.code, {
      code_verifier: verifier,
      redirect_uri: 'http://127.0.0.1:8080/other',
    });
    assert.match(String(wrongUri.body.error_description), /redirect_uri does not match/);
    const foreign = await tokenRequest(provider, {
      grant_type: 'authorization_code',
      code: seeded.code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: 'post',
      client_secret: 'post-secret',
    });
    assert.match(String(foreign.body.error_description), /another client/);
    const redeemed = await redeem(seeded.code, { code_verifier: verifier });
    assert.equal(redeemed.status, 200, 'none of the refusals used the code up');
    const replay = await redeem(seeded.code, { code_verifier: pkce().verifier });
    assert.match(
      String(replay.body.error_description),
      /already been used/,
      'a replay is a replay, whatever it presents',
    );
    assert.equal((await userinfo(provider, String(redeemed.body.access_token))).status, 401, 'the grant is revoked');
  });

  it('refuses a public client that did not use PKCE', async () => {
    const { code } = await seedCode(provider, { clientId: 'public' });
    const response = await tokenRequest(provider, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: 'public',
    });
    assert.deepEqual([response.status, response.body.error], [400, 'invalid_grant']);
    assert.match(String(response.body.error_description), /PKCE/);
  });

  it('refuses an expired code', async () => {
    const { code } = await seedCode(provider, { clientId: 'basic' });
    clock.advance((provider.config.ttl.authorizationCode + 1) * 1000);
    const response = await redeem(code);
    assert.deepEqual([response.status, response.body.error], [400, 'invalid_grant']);
  });

  it("refuses a redirect_uri mismatch, another client's code, an unknown code and a revoked grant", async () => {
    const mismatch = await seedCode(provider, { clientId: 'basic' });
    const response = await redeem(mismatch.code, { redirect_uri: 'http://127.0.0.1:8080/other' });
    assert.equal(response.body.error, 'invalid_grant');
    assert.equal((await redeem(mismatch.code)).status, 200, 'a refused attempt did not burn the code');

    const foreign = await seedCode(provider, { clientId: 'post' });
    assert.equal((await redeem(foreign.code)).body.error, 'invalid_grant');
    assert.equal((await redeem('not-a-code')).body.error, 'invalid_grant');

    const revoked = await seedCode(provider, { clientId: 'basic' });
    await provider.models.destroy('Grant', revoked.grantId);
    const gone = await redeem(revoked.code);
    assert.deepEqual([gone.body.error, gone.body.error_description], ['invalid_grant', 'grant is no longer valid']);
    assert.equal((await redeem(mismatch.code.slice(1))).body.error, 'invalid_grant');
    assert.equal(
      (await tokenRequest(provider, { grant_type: 'authorization_code' }, basicClient)).body.error,
      'invalid_request',
    );
  });

  it('issues no refresh token without offline_access, nor to a client without the refresh_token grant', async () => {
    const online = await seedCode(provider, { clientId: 'basic', scope: 'openid email' });
    const response = await redeem(online.code);
    assert.equal(response.status, 200);
    assert.equal(response.body.refresh_token, undefined);
    const noRefresh = await seedCode(provider, { clientId: 'no-refresh' });
    const other = await tokenRequest(
      provider,
      { grant_type: 'authorization_code', code: noRefresh.code, redirect_uri: redirectUri },
      { authorization: `Basic ${Buffer.from('no-refresh:nr-secret').toString('base64')}` },
    );
    assert.equal(other.status, 200);
    assert.equal(other.body.refresh_token, undefined);
    assert.ok(other.body.id_token);
  });

  it('puts claims requested for the ID token by the claims parameter in it, if consented', async () => {
    const claims = JSON.stringify({ id_token: { email: { essential: true }, phone_number: null } });
    const { code } = await seedCode(provider, { clientId: 'basic', scope: 'openid', claims, grantClaims: ['email'] });
    const response = await redeem(code);
    const jwks = createLocalJWKSet((await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: JWK[] });
    const { payload } = await jwtVerify(String(response.body.id_token), jwks, { currentDate: new Date(clock.now()) });
    assert.equal(payload.email, 'alice@example.com');
    assert.equal(payload.phone_number, undefined, 'not consented, not in scope');
  });
});
