import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { OIDCError, knownErrorCodes } from '../../provider/errors/oidc-error.ts';
import { eventNames, type EventName } from '../../provider/events/events.ts';
import { modelNames } from '../../provider/models/types.ts';
import { basicAuth, startBackChannelProvider, tokenRequest, type BackChannelProvider } from '../token/fixtures.ts';
import { discover, signIn } from './relying-party.ts';

/**
 * User story: an operator builds metrics and alerts on the provider's events. Subscribed to all 54 events, a full
 * sign-in, userinfo, refresh, client credentials and the usual failures (bad secret, replayed code, revoked token,
 * replayed client assertion) emit exactly the documented events, in order, with the documented arguments.
 */

/** Listener argument names per event, from the contract table in docs/events.md. */
async function documentedArguments(): Promise<Map<string, string[]>> {
  const markdown = await readFile(resolve(import.meta.dirname, '../../docs/events.md'), 'utf8');
  return new Map(
    [...markdown.matchAll(/^\| `([a-z_.]+)`\s*\| `\(([^)]*)\)`\s*\|/gm)].map((match) => [
      match[1],
      match[2].split(',').map((arg) => arg.trim()),
    ]),
  );
}

/** The model kind each event prefix carries. */
const kindOf: Record<string, string> = {
  access_token: 'AccessToken',
  authorization_code: 'AuthorizationCode',
  refresh_token: 'RefreshToken',
  client_credentials: 'ClientCredentials',
  device_code: 'DeviceCode',
  session: 'Session',
  interaction: 'Interaction',
  replay_detection: 'ReplayDetection',
  pushed_authorization_request: 'PushedAuthorizationRequest',
  initial_access_token: 'InitialAccessToken',
  registration_access_token: 'RegistrationAccessToken',
};

/** Checks one argument against its documented name; returns a problem or undefined. */
function argumentProblem(event: string, name: string, value: unknown): string | undefined {
  const object = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  switch (name) {
    case 'ctx': {
      const oidc = object?.oidc as Record<string, unknown> | undefined;
      const ok =
        typeof object?.requestId === 'string' &&
        typeof object.method === 'string' &&
        typeof object.path === 'string' &&
        typeof object.ip === 'string' &&
        typeof oidc?.route === 'string' &&
        typeof oidc.params === 'object';
      return ok ? undefined : 'is not a request context';
    }
    case 'error':
      if (event === 'server_error') return value instanceof Error ? undefined : 'is not an Error';
      if (!(value instanceof OIDCError)) return 'is not an OIDCError';
      return knownErrorCodes.has(value.error) && value.expose ? undefined : `has unexpected code ${value.error}`;
    case 'grantId':
    case 'accountId':
    case 'sid':
      return typeof value === 'string' && value.length > 0 ? undefined : 'is not a non-empty string';
    case 'prompt':
      return (object?.name === 'login' || object?.name === 'consent') && Array.isArray(object.reasons)
        ? undefined
        : 'is not a prompt';
    case 'client':
      return typeof object?.clientId === 'string' && typeof object.metadata === 'object'
        ? undefined
        : 'is not a client';
    default: {
      const expected = kindOf[event.split('.')[0]];
      if (!expected || !(modelNames as readonly string[]).includes(expected)) return `no shape known for ${name}`;
      const ok = object?.kind === expected && typeof object.jti === 'string' && typeof object.exp === 'number';
      return ok ? undefined : `is not a ${expected} record`;
    }
  }
}

describe('events of the provider, end to end', () => {
  let provider: BackChannelProvider;
  let documented: Map<string, string[]>;
  before(async () => {
    provider = await startBackChannelProvider();
    documented = await documentedArguments();
  });
  after(() => provider.stop());

  /** Every event seen since `from`, checked against the contract. */
  function checked(from = 0): { name: EventName; args: unknown[] }[] {
    const events = provider.seen.slice(from);
    for (const { name, args } of events) {
      assert.ok((eventNames as readonly string[]).includes(name), `${name} is a documented event`);
      const names = documented.get(name)!;
      assert.equal(args.length, names.length, `${name} has ${names.length} arguments (${names.join(', ')})`);
      names.forEach((argument, index) => {
        const problem = argumentProblem(name, argument, args[index]);
        assert.equal(problem, undefined, `${name} argument ${argument} ${problem ?? ''}`);
      });
    }
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
        'interaction.saved',
        'interaction.destroyed',
        'interaction.ended',
        'session.saved',
        'interaction.saved',
        'interaction.started',
        'interaction.saved',
        'interaction.destroyed',
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
