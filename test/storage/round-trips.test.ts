import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BrowserlessClient,
  formOf,
  isPage,
  type AuthorizationResponse,
  type Page,
} from '../support/browserless-login.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { startRedisCounter, type RedisCounter, type RedisTraffic } from '../support/redis-counter.ts';
import { deviceCodeGrantType } from '../../provider/device/grant-type.ts';
import {
  basicAuth,
  pkce,
  redirectUri,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from '../token/fixtures.ts';

/**
 * The Redis round-trip budget of docs/storage.md: a provider on a real redis-server, reached through a counting proxy
 * that parses every command on the wire (test/support/redis-counter.ts). Each operation is done once to warm up (the
 * first use of a script costs an extra NOSCRIPT → EVAL round trip after a Redis restart, not in steady state), then
 * measured. The numbers are the budget: a change that adds a round trip to one of these paths fails here.
 */

const alice = { username: 'alice', password: 'alice-password' };
const scope = 'openid profile offline_access';
const service = { authorization: basicAuth('service', 'service-secret') };
const serviceJwt = { authorization: basicAuth('service-jwt', 'service-jwt-secret') };
const basic = { authorization: basicAuth('basic', 'basic-secret') };

describe('Redis round trips per operation (standalone Redis)', () => {
  let redis: RedisServer | undefined;
  let counter: RedisCounter;
  let provider: BackChannelProvider;
  let stopCounter: (() => Promise<void>) | undefined;
  let stopProvider: (() => Promise<void>) | undefined;

  before(async () => {
    redis = await startRedis();
    counter = await startRedisCounter(redis.port);
    stopCounter = () => counter.stop();
    const common = { redirect_uris: [redirectUri], scope };
    provider = await startBackChannelProvider({
      storage: { type: 'redis', url: `redis://127.0.0.1:${String(counter.port)}`, keyPrefix: 'rt:' },
      features: {
        introspection: { enabled: true },
        revocation: { enabled: true },
        deviceFlow: { enabled: true },
        pushedAuthorizationRequests: { enabled: true, required: false },
        jwtAccessTokens: { enabled: true },
      },
      clients: [
        {
          client_id: 'service',
          client_secret: 'service-secret',
          grant_types: ['client_credentials'],
          scope: 'profile',
        },
        {
          client_id: 'service-jwt',
          client_secret: 'service-jwt-secret',
          grant_types: ['client_credentials'],
          scope: 'profile',
          access_token_format: 'jwt',
        },
        {
          client_id: 'public',
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          ...common,
        },
        {
          client_id: 'basic',
          client_secret: 'basic-secret',
          grant_types: ['authorization_code', 'refresh_token'],
          ...common,
        },
        { client_id: 'tv', token_endpoint_auth_method: 'none', grant_types: [deviceCodeGrantType], scope },
      ],
    });
    stopProvider = () => provider.stop();
  });
  after(async () => {
    await stopProvider?.();
    await stopCounter?.();
    await redis?.stop();
  });

  /**
   * Asserts the traffic of one operation: its round trips and the commands Redis received (by name, in any order —
   * commands within one round trip may arrive in either order). `SET` alone writes a record without indexes;
   * `EVALSHA` is a script: the atomic write of a record with its indexes, `consume`, or the login throttle's counters.
   */
  function assertTraffic(traffic: RedisTraffic, roundTrips: number, commands: string[]): void {
    const described = traffic.commands.map(
      (command) => `${command[0] ?? ''} ${command[command[0] === 'EVALSHA' ? 3 : 1] ?? ''}`,
    );
    assert.deepEqual(
      { roundTrips: traffic.roundTrips, commands: traffic.commands.map((command) => command[0]).sort() },
      { roundTrips, commands: [...commands].sort() },
      described.join('\n'),
    );
  }

  /** Runs `operation` once to warm up (a script's first use on a connection is sent as EVAL), then measures a run. */
  async function measure(operation: () => Promise<unknown>): Promise<RedisTraffic> {
    await operation();
    return counter.measure(operation);
  }

  const clientCredentials = async (headers: Record<string, string>): Promise<string> => {
    const response = await tokenRequest(provider, { grant_type: 'client_credentials', scope: 'profile' }, headers);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return String(response.body.access_token);
  };

  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${provider.issuer}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  /** The browser's part of a code flow with PKCE, each step (HTTP request plus the redirects it follows) measured. */
  async function browserFlow(clientId: string): Promise<{ code: string; verifier: string; steps: RedisTraffic[] }> {
    const { verifier, challenge } = pkce();
    const url = new URL(`${provider.issuer}/authorize`);
    const params = {
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope,
      state: 'st',
      nonce: 'n',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const browser = new BrowserlessClient(url);
    let step: Page | AuthorizationResponse | undefined;
    const page = (): Page => {
      assert.ok(step && isPage(step), 'a page');
      return step;
    };
    const steps = [
      await counter.measure(async () => {
        step = await browser.get(url);
      }),
      await counter.measure(async () => {
        step = await browser.submit(formOf(page(), '/login'), alice);
      }),
      await counter.measure(async () => {
        step = await browser.submit(formOf(page(), '/consent'), { accept: 'yes' });
      }),
    ];
    assert.ok(step && !isPage(step), 'the authorization response');
    const code = step.params.get('code');
    assert.ok(code, step.params.toString());
    return { code, verifier, steps };
  }

  const redeem = async (code: string, verifier: string, clientId: string, headers: Record<string, string>) => {
    const fields = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier };
    const response = await tokenRequest(
      provider,
      headers.authorization ? fields : { ...fields, client_id: clientId },
      headers,
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return { accessToken: String(response.body.access_token), refreshToken: String(response.body.refresh_token) };
  };

  it('client_credentials, opaque: one write (the token record)', async () => {
    assertTraffic(await measure(() => clientCredentials(service)), 1, ['SET']);
  });

  it('client_credentials, JWT: nothing (JWT access tokens are not stored)', async () => {
    assertTraffic(await measure(() => clientCredentials(serviceJwt)), 0, []);
  });

  it('introspection of an opaque client-credentials token: one command (the token looked up as each kind by one MGET)', async () => {
    const token = await clientCredentials(service);
    const traffic = await measure(async () => {
      const body = (await (await post('/introspect', { token }, service)).json()) as { active?: boolean };
      assert.equal(body.active, true);
    });
    assertTraffic(traffic, 1, ['MGET']);
  });

  it('revocation of an opaque client-credentials token: look-up, then delete', async () => {
    const tokens = [await clientCredentials(service), await clientCredentials(service)];
    const traffic = await measure(async () => {
      const token = String(tokens.shift());
      assert.equal((await post('/revoke', { token, token_type_hint: 'access_token' }, service)).status, 200);
    });
    assertTraffic(traffic, 2, ['MGET', 'GETDEL']);
  });

  it('authorization code redemption with PKCE: check and consume the code (one script), read the grant, store both tokens', async () => {
    const codes = [await browserFlow('basic'), await browserFlow('basic')];
    const traffic = await measure(async () => {
      const next = codes.shift();
      assert.ok(next);
      await redeem(next.code, next.verifier, 'basic', basic);
    });
    assertTraffic(traffic, 3, ['EVALSHA', 'GET', 'EVALSHA', 'EVALSHA']);
  });

  it('introspection of an end-user access token: the token, then its grant', async () => {
    const { code, verifier } = await browserFlow('basic');
    const { accessToken } = await redeem(code, verifier, 'basic', basic);
    const traffic = await measure(async () => {
      const body = (await (await post('/introspect', { token: accessToken }, basic)).json()) as { active?: boolean };
      assert.equal(body.active, true);
    });
    assertTraffic(traffic, 2, ['MGET', 'GET']);
  });

  it('refresh with rotation: check and consume the token (one script), read the grant, store both new tokens', async () => {
    const { code, verifier } = await browserFlow('basic');
    let refresh = (await redeem(code, verifier, 'basic', basic)).refreshToken;
    const traffic = await measure(async () => {
      const response = await tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: refresh }, basic);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.notEqual(response.body.refresh_token, refresh, 'rotated');
      refresh = String(response.body.refresh_token);
    });
    assertTraffic(traffic, 3, ['EVALSHA', 'GET', 'EVALSHA', 'EVALSHA']);
  });

  it('refresh narrowing scope: read the token, consume it (script) while reading the grant, store both new tokens', async () => {
    // A refusal (invalid_scope) must not use the token up, so the token is read and checked before it is consumed.
    const { code, verifier } = await browserFlow('basic');
    let refresh = (await redeem(code, verifier, 'basic', basic)).refreshToken;
    const traffic = await measure(async () => {
      const fields = { grant_type: 'refresh_token', refresh_token: refresh, scope: 'openid' };
      const response = await tokenRequest(provider, fields, basic);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      refresh = String(response.body.refresh_token);
    });
    assertTraffic(traffic, 3, ['GET', 'EVALSHA', 'GET', 'EVALSHA', 'EVALSHA']);
  });

  it('a whole authorization code + PKCE flow through the HTML forms (new browser, public client): 12 round trips', async () => {
    const warm = await browserFlow('public');
    await redeem(warm.code, warm.verifier, 'public', {});
    const { code, verifier, steps } = await browserFlow('public');
    const token = await counter.measure(() => redeem(code, verifier, 'public', {}));
    const [authorize, login, consent] = steps as [RedisTraffic, RedisTraffic, RedisTraffic];
    // GET /authorize: store the interaction; the login page reads it.
    assertTraffic(authorize, 2, ['SET', 'GET']);
    // POST login, which goes on at once (no resume URL): read the interaction while counting the attempt against the
    // account and the address (one throttle script); on success clear the account's count and give back the address's
    // place (one script) while taking the interaction (read and delete, GETDEL); store the new session and the consent
    // interaction at once. The consent page reads the interaction and the session its cookie names at once.
    assertTraffic(login, 4, [
      ...['GET', 'EVALSHA'],
      ...['EVALSHA', 'GETDEL'],
      ...['EVALSHA', 'SET'],
      ...['GET', 'GET'],
    ]);
    // POST consent, which goes on at once: read the interaction and the session its cookie names at once; store the
    // grant while taking the interaction; store session and code at once (session and grant are not read again).
    assertTraffic(consent, 3, [...['GET', 'GET'], ...['EVALSHA', 'GETDEL'], ...['EVALSHA', 'EVALSHA']]);
    assertTraffic(token, 3, ['EVALSHA', 'GET', 'EVALSHA', 'EVALSHA']);
    const commands = [...steps, token].reduce((sum, traffic) => sum + traffic.commands.length, 0);
    assert.equal(commands, 20);
    const total = [...steps, token].reduce((sum, traffic) => sum + traffic.roundTrips, 0);
    assert.equal(total, 12);
  });

  const deviceAuthorization = async (): Promise<string> => {
    const response = await post('/device/authorize', { client_id: 'tv', scope });
    assert.equal(response.status, 200);
    return ((await response.json()) as { device_code: string }).device_code;
  };

  it('device authorization request: is the user code free, then store the device code with its index', async () => {
    assertTraffic(await measure(deviceAuthorization), 2, ['GET', 'EVALSHA']);
  });

  it('device grant poll while pending: read the device code, then record the poll (atomic insert)', async () => {
    // The polling-interval mark lives in Redis with a real TTL: each run polls a fresh device code for the first time.
    const deviceCodes = [await deviceAuthorization(), await deviceAuthorization()];
    const traffic = await measure(async () => {
      const poll = await tokenRequest(provider, {
        grant_type: deviceCodeGrantType,
        device_code: String(deviceCodes.shift()),
        client_id: 'tv',
      });
      assert.equal(poll.body.error, 'authorization_pending', JSON.stringify(poll.body));
    });
    assertTraffic(traffic, 2, ['GET', 'SET']);
  });

  it('pushed authorization request: one write', async () => {
    const traffic = await measure(async () => {
      const fields = { response_type: 'code', redirect_uri: redirectUri, scope, state: 's' };
      assert.equal((await post('/par', fields, basic)).status, 201);
    });
    assertTraffic(traffic, 1, ['SET']);
  });
});
