import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { BrowserlessClient, formOf, isPage } from '../support/browserless-login.ts';
import {
  basicAuth,
  basicSecret,
  jwtSecret,
  redirectUri,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from '../token/fixtures.ts';
import { discover, signIn, type AuthMethod } from './relying-party.ts';

/**
 * User story: the platform team ships the provider's logs to a shared log store. While users sign in with every
 * client authentication method, tokens are refreshed and used, and attackers replay codes and guess secrets, no log
 * line — even at `trace` level — contains a password, client secret, client assertion, code, code verifier, access,
 * refresh or ID token, session cookie or CSRF token.
 */
describe('no secret in any log line', () => {
  const lines: string[] = [];
  const secrets = new Set<string>(['alice-password', 'wrong-password', basicSecret, 'post-secret', jwtSecret]);
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider(
      { logLevel: 'trace' },
      { logDestination: { write: (line: string) => void lines.push(line) } },
    );
  });
  after(() => provider.stop());

  /** Records the credentials openid-client sends (client secrets, assertions) as it sends them. */
  function capturing(config: client.Configuration): client.Configuration {
    config[client.customFetch] = async (url, options) => {
      const body = new URLSearchParams(typeof options.body === 'string' ? options.body : '');
      for (const name of ['client_assertion', 'client_secret', 'code', 'code_verifier', 'refresh_token']) {
        const value = body.get(name);
        if (value) secrets.add(value);
      }
      const authorization = new Headers(options.headers).get('authorization');
      if (authorization) secrets.add(authorization.replace(/^\w+ /, ''));
      return fetch(url, options);
    };
    return config;
  }

  it('holds through sign-ins, refreshes, userinfo and client credentials with all five methods', async () => {
    const methods: AuthMethod[] = [
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
      'none',
    ];
    for (const method of methods) {
      const config = capturing(await discover(provider, method));
      const signedIn = await signIn(config, { username: 'alice', password: 'alice-password' });
      const { tokens } = signedIn;
      for (const value of [
        signedIn.code,
        signedIn.codeVerifier,
        tokens.access_token,
        tokens.id_token,
        ...signedIn.cookies,
      ]) {
        if (value) secrets.add(value);
      }
      await client.fetchUserInfo(config, tokens.access_token, 'alice-sub');
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      for (const value of [tokens.refresh_token, refreshed.access_token, refreshed.refresh_token, refreshed.id_token]) {
        if (value) secrets.add(value);
      }
      if (method !== 'none') {
        const machine = await client.clientCredentialsGrant(config, { scope: 'profile' });
        secrets.add(machine.access_token);
      }
      // Replays: the code again (revokes the grant), then the old refresh token.
      const replay = await client
        .genericGrantRequest(config, 'authorization_code', {
          code: signedIn.code,
          redirect_uri: redirectUri,
          code_verifier: signedIn.codeVerifier,
        })
        .catch((error: unknown) => error);
      assert.ok(
        replay instanceof client.ResponseBodyError && replay.error === 'invalid_grant',
        'replayed code refused',
      );
      await client.refreshTokenGrant(config, tokens.refresh_token!).catch(() => undefined);
      await client.fetchUserInfo(config, refreshed.access_token, 'alice-sub').catch(() => undefined);
    }
  });

  it('holds through failed logins and failed client authentication', async () => {
    const config = await discover(provider, 'client_secret_basic');
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const browser = new BrowserlessClient(url);
    const page = await browser.get(url);
    assert.ok(isPage(page));
    const login = formOf(page, '/login');
    for (const value of Object.values(login.hidden)) if (value.length >= 16) secrets.add(value);
    const rejected = await browser.submit(login, { username: 'alice', password: 'wrong-password' });
    assert.ok(isPage(rejected), 'a wrong password stays on the login page');
    await tokenRequest(
      provider,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('basic', 'guessed-secret-1') },
    );
    await tokenRequest(provider, {
      grant_type: 'client_credentials',
      client_id: 'post',
      client_secret: 'guessed-secret-2',
    });
    secrets.add('guessed-secret-1').add('guessed-secret-2');
  });

  it('and the logs did record the flows', () => {
    assert.ok(lines.length > 100, `${lines.length} log lines`);
    const events = new Set(lines.map((line) => (JSON.parse(line) as { event?: string }).event).filter(Boolean));
    for (const event of [
      'grant.success',
      'grant.error',
      'grant.revoked',
      'access_token.saved',
      'session.saved',
      'userinfo.error',
    ]) {
      assert.ok(events.has(event), `an ${event} line`);
    }
    assert.ok(lines.some((line) => line.includes('"msg":"request"') && line.includes('"path":"/token"')));
    const leaks: string[] = [];
    for (const secret of secrets) {
      if (secret.length < 8) continue;
      for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
        const line = lines.find((candidate) => candidate.includes(form));
        if (line) leaks.push(`${secret.slice(0, 6)}… in ${line.slice(0, 200)}`);
      }
    }
    assert.deepEqual(leaks, []);
    assert.ok(secrets.size > 40, `${secrets.size} secrets checked`);
  });
});
