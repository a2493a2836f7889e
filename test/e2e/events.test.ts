import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import type { OIDCError } from '../../provider/errors/oidc-error.ts';
import type { EventName } from '../../provider/events/events.ts';
import { basicAuth, startBackChannelProvider, tokenRequest, type BackChannelProvider } from '../token/fixtures.ts';
import { documentedArguments } from '../events/contract/documented.ts';
import { assertContractShape, setDocumentedArguments } from '../events/contract/harness.ts';
import { discover, signIn } from './relying-party.ts';

/**
 * User story: an operator builds metrics and alerts on the provider's events. Subscribed to all 54 events, a full
 * sign-in, userinfo, refresh, client credentials and the usual failures (bad secret, replayed code, revoked token,
 * replayed client assertion) emit exactly the documented events, in order, with the documented arguments.
 */

describe('events of the provider, end to end', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider();
    setDocumentedArguments(await documentedArguments());
  });
  after(() => provider.stop());

  /** Every event seen since `from`, checked against the contract (test/events/contract/harness.ts). */
  function checked(from = 0): { name: EventName; args: unknown[] }[] {
    const events = provider.seen.slice(from);
    for (const event of events) assertContractShape(event);
    return events;
  }

  it('a sign-in, userinfo, refresh and client credentials emit the documented events in order', async () => {
    const config = await discover(provider, 'client_secret_basic');
    const start = provider.seen.length;
    const { tokens } = await signIn(config, { username: 'alice', password: 'alice-password' });
    const afterSignIn = provider.seen.length;
    await client.fetchUserInfo(config, tokens.access_token, 'alice-sub');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    await client.clientCredentialsGrant(config, { scope: 'profile' });
    const events = checked(start);

    // The front channel, exactly (login, then consent, then the code): no event missing, none extra. The relying
    // party redeems the code within the sign-in, so the back channel starts at the code's consumption.
    const codeIndex = events.findIndex((event) => event.name === 'authorization_code.consumed');
    assert.ok(codeIndex > 0 && codeIndex < afterSignIn - start);
    assert.deepEqual(
      events.slice(0, codeIndex).map((event) => event.name),
      [
        'interaction.saved',
        'interaction.started',
        'interaction.destroyed', // the login answered: the request goes on in the same request
        'interaction.ended',
        'session.saved',
        'interaction.saved',
        'interaction.started',
        'interaction.destroyed', // the consent answered
        'interaction.ended',
        'authorization.accepted',
        'session.saved',
        'authorization_code.saved',
        'authorization.success',
      ],
    );
    assert.deepEqual(
      events.slice(codeIndex).map((event) => event.name),
      [
        'authorization_code.consumed',
        'access_token.saved',
        'refresh_token.saved',
        'grant.success',
        // userinfo emits nothing on success
        'refresh_token.consumed',
        'access_token.saved',
        'refresh_token.saved',
        'grant.success',
        'client_credentials.saved',
        'grant.success',
      ],
    );
    const saved = events.find((event) => event.name === 'authorization_code.saved')!.args[0] as { jti: string };
    const consumed = events.find((event) => event.name === 'authorization_code.consumed')!.args[0] as {
      jti: string;
      grantId: string;
      consumed: number;
    };
    assert.equal(consumed.jti, saved.jti, 'the code saved is the code consumed');
    assert.equal(typeof consumed.consumed, 'number');
    const [firstRefresh, rotated] = events
      .filter((event) => event.name === 'refresh_token.saved')
      .map((event) => event.args[0] as { jti: string; grantId: string });
    const consumedRefresh = events.find((event) => event.name === 'refresh_token.consumed')!.args[0] as { jti: string };
    assert.equal(consumedRefresh.jti, firstRefresh.jti);
    assert.equal(rotated.grantId, consumed.grantId);
    const successes = events.filter((event) => event.name === 'grant.success');
    type TokenCtx = { oidc: { grantType?: string; accountId?: string; params: Record<string, string> } };
    assert.deepEqual(
      successes.map((event) => (event.args[0] as TokenCtx).oidc.grantType),
      ['authorization_code', 'refresh_token', 'client_credentials'],
    );
    assert.deepEqual(
      successes.map((event) => (event.args[0] as TokenCtx).oidc.accountId),
      ['alice-sub', 'alice-sub', undefined],
      'user grants name the end-user, client credentials none',
    );
    for (const event of successes) {
      const params = Object.keys((event.args[0] as TokenCtx).oidc.params);
      for (const secret of ['code', 'code_verifier', 'refresh_token', 'client_secret', 'client_assertion']) {
        assert.equal(params.includes(secret), false, `ctx.oidc.params never carries ${secret}`);
      }
    }
    for (const event of successes) {
      const ctx = event.args[0] as { oidc: { client?: { clientId: string }; route: string } };
      assert.equal(ctx.oidc.client?.clientId, 'basic');
      assert.equal(ctx.oidc.route, 'token');
    }
    // No event argument carries a token, code or secret value: stored ids are hashes.
    const serialized = JSON.stringify(events.map((event) => event.args));
    for (const secret of [
      tokens.access_token,
      tokens.refresh_token!,
      refreshed.access_token,
      refreshed.refresh_token!,
    ]) {
      assert.equal(serialized.includes(secret), false);
    }
  });

  it('failures emit grant.error, grant.revoked, userinfo.error and replay detection, never server_error', async () => {
    const config = await discover(provider, 'client_secret_basic');
    const { tokens, code } = await signIn(config, { username: 'alice', password: 'alice-password' });
    const start = provider.seen.length;

    await tokenRequest(provider, { grant_type: 'client_credentials' }, { authorization: basicAuth('basic', 'wrong') });
    await tokenRequest(
      provider,
      { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:8080/callback' },
      { authorization: basicAuth('basic', 'b@sic:secret+with%special ü') },
    );
    await client.fetchUserInfo(config, tokens.access_token, 'alice-sub').catch(() => undefined);
    const pk = await discover(provider, 'private_key_jwt');
    await client.clientCredentialsGrant(pk, { scope: 'profile' });

    const events = checked(start);
    assert.deepEqual(
      events.map((event) => event.name),
      [
        'grant.error',
        'authorization_code.destroyed',
        'grant.revoked',
        'grant.error',
        'userinfo.error',
        'replay_detection.saved',
        'client_credentials.saved',
        'grant.success',
      ],
    );
    const errors = events
      .filter((event) => event.name.endsWith('.error'))
      .map((event) => (event.args[1] as OIDCError).error);
    assert.deepEqual(errors, ['invalid_client', 'invalid_grant', 'invalid_token']);
    const revoked = events.find((event) => event.name === 'grant.revoked')!;
    const destroyed = events.find((event) => event.name === 'authorization_code.destroyed')!.args[0] as {
      grantId: string;
    };
    assert.equal(revoked.args[1], destroyed.grantId);
    assert.equal(
      provider.seen.some((event) => event.name === 'server_error'),
      false,
    );
  });
});
