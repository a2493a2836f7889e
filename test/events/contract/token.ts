/**
 * Situations of the token endpoint and userinfo: each grant's success, JWT (structured) tokens, a client assertion
 * remembered against replay, and the failures an alert watches — a wrong secret, a replayed code, a reused rotated
 * refresh token (the token destroyed, the grant revoked), a replayed assertion, and a bad bearer token at userinfo.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { SignJWT } from 'jose';
import type { RequestContext } from '../../../provider/events/context.ts';
import { redeem, signIn, token, tokensOf } from './flows.ts';
import {
  aliceSub,
  at,
  basic,
  expectEvents,
  failed,
  jwtClientSecret,
  record,
  type ContractProvider,
} from './harness.ts';

const grantType =
  (route: string, clientId: string, type: string, accountId?: string) =>
  (ctx: RequestContext): void => {
    at(route, clientId)(ctx);
    assert.equal(ctx.oidc.grantType, type);
    assert.equal(ctx.oidc.accountId, accountId);
  };

export function tokenSituations(provider: () => ContractProvider): void {
  it('authorization_code, then refresh_token: consumed, saved, grant.success', async () => {
    const p = provider();
    const { code, verifier } = await signIn(p);
    p.log.take();
    const tokens = await redeem(p, code, verifier);
    assert.equal(tokens.status, 200);
    expectEvents(p.log.take(), [
      ['authorization_code.consumed', record({ clientId: 'web', accountId: aliceSub })],
      ['access_token.saved', record({ clientId: 'web', gty: 'authorization_code', format: 'opaque' })],
      ['refresh_token.saved', record({ clientId: 'web', rotations: 0 })],
      ['grant.success', grantType('token', 'web', 'authorization_code', aliceSub)],
    ]);
    const refreshed = await token(p, {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token as string,
    });
    assert.equal(refreshed.status, 200);
    expectEvents(p.log.take(), [
      ['refresh_token.consumed', record({ clientId: 'web', rotations: 0 })],
      ['access_token.saved', record({ clientId: 'web', gty: 'refresh_token' })],
      ['refresh_token.saved', record({ clientId: 'web', rotations: 1 })],
      ['grant.success', grantType('token', 'web', 'refresh_token', aliceSub)],
    ]);
  });

  it('a replayed code: the code destroyed, the grant revoked, grant.error', async () => {
    const p = provider();
    const { code, verifier } = await signIn(p);
    await redeem(p, code, verifier);
    p.log.take();
    const replay = await redeem(p, code, verifier);
    assert.equal(replay.body.error, 'invalid_grant');
    const events = p.log.take();
    expectEvents(events, [
      ['authorization_code.destroyed', record({ clientId: 'web' })],
      ['grant.revoked', at('token', 'web')],
      ['grant.error', failed('token', 'invalid_grant', 'web')],
    ]);
    assert.equal(events[1]?.args[1], (events[0]?.args[0] as { grantId: string }).grantId);
  });

  it('a rotated refresh token used again: the token destroyed, the grant revoked, grant.error', async () => {
    const p = provider();
    const { refresh } = await tokensOf(p);
    await token(p, { grant_type: 'refresh_token', refresh_token: refresh });
    p.log.take();
    const reuse = await token(p, { grant_type: 'refresh_token', refresh_token: refresh });
    assert.equal(reuse.body.error, 'invalid_grant');
    const events = p.log.take();
    expectEvents(events, [
      ['refresh_token.destroyed', record({ clientId: 'web', rotations: 0 })],
      ['grant.revoked', at('token', 'web')],
      ['grant.error', failed('token', 'invalid_grant', 'web')],
    ]);
    assert.equal(events[1]?.args[1], (events[0]?.args[0] as { grantId: string }).grantId);
  });

  it('client_credentials: client_credentials.saved (opaque) or .issued (JWT), grant.success', async () => {
    const p = provider();
    p.log.take();
    assert.equal((await token(p, { grant_type: 'client_credentials', scope: 'profile' })).status, 200);
    expectEvents(p.log.take(), [
      ['client_credentials.saved', record({ clientId: 'web', format: 'opaque' })],
      ['grant.success', grantType('token', 'web', 'client_credentials')],
    ]);
    const jwt = await token(
      p,
      { grant_type: 'client_credentials', scope: 'profile' },
      basic('jwt-at', jwtClientSecret),
    );
    assert.equal(jwt.status, 200);
    expectEvents(p.log.take(), [
      ['client_credentials.issued', record({ clientId: 'jwt-at', format: 'jwt' })],
      ['grant.success', grantType('token', 'jwt-at', 'client_credentials')],
    ]);
  });

  it('a JWT access token from a code: access_token.issued, never saved', async () => {
    const p = provider();
    const { code, verifier } = await signIn(p, { client_id: 'jwt-at' });
    p.log.take();
    const response = await token(
      p,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:8080/callback',
        code_verifier: verifier,
      },
      basic('jwt-at', jwtClientSecret),
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    expectEvents(p.log.take(), [
      ['authorization_code.consumed', record({ clientId: 'jwt-at' })],
      ['access_token.issued', record({ clientId: 'jwt-at', format: 'jwt', gty: 'authorization_code' })],
      ['refresh_token.saved', record({ clientId: 'jwt-at' })],
      ['grant.success', grantType('token', 'jwt-at', 'authorization_code', aliceSub)],
    ]);
  });

  it('private_key_jwt: the assertion remembered (replay_detection.saved); its replay is grant.error only', async () => {
    const p = provider();
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'contract-key' })
      .setIssuer('pkjwt')
      .setSubject('pkjwt')
      .setAudience(`${p.issuer}/token`)
      .setIssuedAt(Math.floor(p.clock.now() / 1000))
      .setExpirationTime(Math.floor(p.clock.now() / 1000) + 60)
      .sign(p.clientKey.privateKey);
    const fields = {
      grant_type: 'client_credentials',
      scope: 'profile',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    };
    p.log.take();
    const accepted = await token(p, fields, null);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    expectEvents(p.log.take(), [
      ['replay_detection.saved', record({ kind: 'ReplayDetection' })],
      ['client_credentials.saved', record({ clientId: 'pkjwt' })],
      ['grant.success', grantType('token', 'pkjwt', 'client_credentials')],
    ]);
    const replay = await token(p, fields, null);
    assert.equal(replay.body.error, 'invalid_client');
    expectEvents(p.log.take(), [['grant.error', failed('token', 'invalid_client', null)]]);
  });

  it('a wrong client secret: grant.error invalid_client', async () => {
    const p = provider();
    p.log.take();
    const response = await token(p, { grant_type: 'client_credentials' }, basic('web', 'wrong'));
    assert.equal(response.status, 401);
    expectEvents(p.log.take(), [['grant.error', failed('token', 'invalid_client', null)]]);
  });

  it('userinfo: nothing on success, userinfo.error for an unknown token', async () => {
    const p = provider();
    const { access } = await tokensOf(p);
    p.log.take();
    const ok = await fetch(`${p.issuer}/userinfo`, { headers: { authorization: `Bearer ${access}` } });
    assert.equal(ok.status, 200);
    expectEvents(p.log.take(), []);
    const bad = await fetch(`${p.issuer}/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(bad.status, 401);
    expectEvents(p.log.take(), [['userinfo.error', failed('userinfo', 'invalid_token')]]);
  });
}
