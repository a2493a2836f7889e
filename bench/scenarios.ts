/**
 * The scenarios of issue 10, each the same requests against either server (same paths, clients and bodies). A
 * scenario yields one or more result rows; each row has the goal the issue sets for it (a throughput ratio
 * kubeoidc/oidc-provider, a p99 bound on token endpoints) or none.
 */
import { username, benchPassword, type HashCost } from './accounts.ts';
import { basicAuthorizationOf, benchClient, benchJwtClient, benchWebClient } from './bench-client.ts';
import { runFlows } from './flow-load.ts';
import { codeFlow, login, type EndUser } from './flows.ts';
import { json, ok2xx, runLoad, type LoadLength, type LoadRequest, type LoadResult } from './load.ts';

export interface ScenarioContext {
  baseUrl: string;
  /** How long each measured load runs. */
  length: LoadLength;
  connections: number;
  /** Concurrent logins of the login burst. */
  loginRunners: number;
  /** Whether this is a timed measurement (pools sized by rate) or the correctness check (fixed small amounts). */
  timed: boolean;
  /** This server's rate in an earlier scenario of this round, to size pools. */
  rateOf(row: string): number | undefined;
}

export interface Goal {
  /** kubeoidc/oidc-provider throughput at least this. */
  ratio?: number;
  /** kubeoidc p99 at most this many ms. */
  p99?: number;
  /** Why there is no ratio goal, or what the row means. */
  note?: string;
}

export interface Row {
  id: string;
  title: string;
  unit: 'req/s' | 'flows/s' | 'logins/s';
  goal: Goal;
}

export interface Scenario {
  rows: Row[];
  /** Results in the order of `rows`. */
  run(context: ScenarioContext): Promise<LoadResult[]>;
}

const form = 'application/x-www-form-urlencoded';
const tokenGoal = { ratio: 1.5, p99: 25 };

function tokenRequest(client: { client_id: string; client_secret: string }, body: string): LoadRequest {
  return {
    method: 'POST',
    path: '/token',
    headers: { authorization: basicAuthorizationOf(client), 'content-type': form },
    body,
    accept: ok2xx((text) => typeof json(text)?.access_token === 'string'),
  };
}

const clientCredentials = tokenRequest(benchClient, 'grant_type=client_credentials&scope=api%3Aread');
const isJwt = (text: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(String(json(text)?.access_token));

/** End-users for `count` runners: runner i logs in as account i of `cost`, from an address of its own. */
function users(cost: HashCost, count: number): EndUser[] {
  return Array.from({ length: count }, (_, i) => ({
    username: username(cost, i),
    password: benchPassword,
    address: `10.77.${String(Math.floor(i / 250))}.${String((i % 250) + 1)}`,
  }));
}

/** Collects up to `amount` values from the answers of a request (a pool of tokens or device codes). */
async function pool(context: ScenarioContext, request: LoadRequest, field: string, amount: number): Promise<string[]> {
  const values: string[] = [];
  const result = await runLoad(
    context.baseUrl,
    { ...request, onAnswer: (body) => values.push(String(json(body)?.[field])) },
    { connections: context.connections, amount },
  );
  // Preparation is not measured: a few failed answers only shrink the pool; none at all means the scenario cannot run.
  if (values.length === 0) throw new Error(`preparing a pool of ${field}: ${result.firstError ?? 'no answers'}`);
  return values;
}

/** Requests a timed load of `rateRow`'s rate is expected to send within `seconds` (with headroom), else `amount`. */
function expectedRequests(context: ScenarioContext, rateRow: string, seconds: number, minimum: number): number {
  if (!context.timed && 'amount' in context.length) return context.length.amount;
  const rate = context.rateOf(rateRow) ?? 1000;
  return Math.max(minimum, Math.ceil(rate * seconds * 1.5));
}

function ring(values: readonly string[], body: (value: string) => string): () => string {
  let next = 0;
  return () => body(values[next++ % values.length] ?? '');
}

function single(row: Row, request: LoadRequest): Scenario {
  return {
    rows: [row],
    run: async (c) => [await runLoad(c.baseUrl, request, { connections: c.connections, ...c.length })],
  };
}

const seconds = (length: LoadLength): number => ('seconds' in length ? length.seconds : 1);

export const scenarios: Scenario[] = [
  single(
    { id: 'discovery', title: 'discovery', unit: 'req/s', goal: { ratio: 1.5 } },
    {
      method: 'GET',
      path: '/.well-known/openid-configuration',
      accept: ok2xx((text) => typeof json(text)?.issuer === 'string'),
    },
  ),
  single(
    { id: 'jwks', title: 'JWKS', unit: 'req/s', goal: { ratio: 1.5 } },
    { method: 'GET', path: '/jwks', accept: ok2xx((text) => Array.isArray(json(text)?.keys)) },
  ),
  single(
    { id: 'cc-opaque', title: 'client_credentials (opaque)', unit: 'req/s', goal: tokenGoal },
    { ...clientCredentials, accept: ok2xx((text) => typeof json(text)?.access_token === 'string' && !isJwt(text)) },
  ),
  single(
    { id: 'cc-jwt', title: 'client_credentials (JWT access token)', unit: 'req/s', goal: tokenGoal },
    { ...tokenRequest(benchJwtClient, 'grant_type=client_credentials&scope=api%3Aread'), accept: ok2xx(isJwt) },
  ),
  {
    rows: [{ id: 'introspection', title: 'introspection (opaque)', unit: 'req/s', goal: { ratio: 1.5 } }],
    async run(c) {
      const tokens = await pool(c, clientCredentials, 'access_token', c.timed ? 1000 : 20);
      const request: LoadRequest = {
        method: 'POST',
        path: '/introspect',
        headers: { authorization: basicAuthorizationOf(benchClient), 'content-type': form },
        next: ring(tokens, (token) => `token=${token}&token_type_hint=access_token`),
        accept: ok2xx((text) => json(text)?.active === true),
      };
      return [await runLoad(c.baseUrl, request, { connections: c.connections, ...c.length })];
    },
  },
  {
    rows: [{ id: 'revocation', title: 'revocation', unit: 'req/s', goal: { note: 'no ratio goal in the issue' } }],
    async run(c) {
      // Each revocation takes a token of its own (revoking a revoked one is a cheaper path); the pool is sized from
      // this server's client_credentials rate, and a run that uses it up stops there.
      const amount = expectedRequests(c, 'cc-opaque', seconds(c.length), 200);
      const tokens = await pool(c, clientCredentials, 'access_token', amount);
      let next = 0;
      const request: LoadRequest = {
        method: 'POST',
        path: '/revoke',
        headers: { authorization: basicAuthorizationOf(benchClient), 'content-type': form },
        next: () => (next < tokens.length ? `token=${tokens[next++] ?? ''}&token_type_hint=access_token` : undefined),
        accept: ok2xx(),
      };
      const length = c.timed ? c.length : { amount: tokens.length };
      const result = await runLoad(c.baseUrl, request, { connections: c.connections, ...length });
      // A 200 alone proves nothing (RFC 7009 answers 200 for unknown tokens too): the first token must now be inactive.
      const check = await fetch(new URL('/introspect', c.baseUrl), {
        method: 'POST',
        headers: { authorization: basicAuthorizationOf(benchClient), 'content-type': form },
        body: `token=${tokens[0] ?? ''}&token_type_hint=access_token`,
      });
      const answer = await check.text();
      if (check.status !== 200 || json(answer)?.active !== false) {
        return [
          { ...result, errors: result.errors + 1, firstError: `revoked token still active: ${answer.slice(0, 200)}` },
        ];
      }
      return [result];
    },
  },
  {
    rows: [{ id: 'refresh', title: 'refresh_token (rotation, ID token)', unit: 'req/s', goal: tokenGoal }],
    async run(c) {
      // One refresh token per connection from real code flows; each connection then rotates its own chain, sending
      // the next request with the token the last answer gave. (autocannon resets per-connection state after every
      // request, so these requests go through fetch, one keep-alive connection per runner.)
      const runners = users('trivial', c.connections);
      const starts = await Promise.all(runners.map((user) => codeFlow(c.baseUrl, user)));
      const chains = starts.map((flow) => flow.refreshToken);
      const authorization = basicAuthorizationOf(benchWebClient);
      return [
        await runFlows(
          async (runner) => {
            const started = performance.now();
            const response = await fetch(new URL('/token', c.baseUrl), {
              method: 'POST',
              headers: { authorization, 'content-type': form },
              body: `grant_type=refresh_token&refresh_token=${chains[runner] ?? ''}`,
            });
            const text = await response.text();
            const ms = performance.now() - started;
            const answer = json(text);
            if (
              response.status !== 200 ||
              typeof answer?.refresh_token !== 'string' ||
              typeof answer.id_token !== 'string'
            ) {
              throw new Error(`${String(response.status)} ${text.slice(0, 200)}`);
            }
            chains[runner] = answer.refresh_token;
            return ms;
          },
          { runners: runners.length, ...c.length },
        ),
      ];
    },
  },
  ...(['trivial', 'default'] as const).map((cost): Scenario => ({
    rows: [
      cost === 'trivial'
        ? {
            id: 'code-flow',
            title: 'authorization code + PKCE, HTML login and consent (trivial password hash)',
            unit: 'flows/s',
            goal: { ratio: 2.5 },
          }
        : {
            id: 'code-flow-default-hash',
            title: 'the same with the default password hash (argon2id m=19456 t=2)',
            unit: 'flows/s',
            goal: { note: 'oidc-provider checks no password: not an equal-cost comparison' },
          },
    ],
    async run(c) {
      const runners = users(cost, c.connections);
      return [
        await runFlows(
          async (runner) => {
            await codeFlow(c.baseUrl, runners[runner] ?? runners[0]);
            return undefined;
          },
          { runners: runners.length, ...c.length },
        ),
      ];
    },
  })),
  {
    rows: [
      {
        id: 'device-poll',
        title: 'device grant poll (authorization_pending)',
        unit: 'req/s',
        goal: { p99: 25, note: 'no ratio goal in the issue' },
      },
    ],
    async run(c) {
      // kubeoidc answers slow_down to a device polling faster than every 5 s, so each code is polled once per pass
      // over a pool that lasts longer than that at this server's rate (oidc-provider gets the same pattern).
      const amount = expectedRequests(c, 'cc-opaque', 7, 200);
      const codes = await pool(
        c,
        {
          method: 'POST',
          path: '/device/authorize',
          headers: { authorization: basicAuthorizationOf(benchWebClient), 'content-type': form },
          body: 'scope=openid',
          accept: ok2xx((text) => typeof json(text)?.device_code === 'string'),
        },
        'device_code',
        amount,
      );
      const request: LoadRequest = {
        method: 'POST',
        path: '/token',
        headers: { authorization: basicAuthorizationOf(benchWebClient), 'content-type': form },
        next: ring(
          codes,
          (code) => `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=${code}`,
        ),
        accept: (status, text) => status === 400 && json(text)?.error === 'authorization_pending',
      };
      const length = c.timed ? c.length : { amount: codes.length };
      return [await runLoad(c.baseUrl, request, { connections: c.connections, ...length })];
    },
  },
  {
    rows: [
      {
        id: 'login-burst',
        title: 'login burst: logins/s (default password hash)',
        unit: 'logins/s',
        goal: { note: 'reported (bound by the hash by design); oidc-provider checks no password' },
      },
      {
        id: 'cc-during-logins',
        title: 'client_credentials during the login burst',
        unit: 'req/s',
        goal: { p99: 25, note: 'hashing stays off the event loop' },
      },
    ],
    async run(c) {
      const runners = users('default', c.loginRunners);
      const [logins, tokens] = await Promise.all([
        runFlows(async (runner) => (await login(c.baseUrl, runners[runner] ?? runners[0])).ms, {
          runners: runners.length,
          ...c.length,
        }),
        runLoad(c.baseUrl, clientCredentials, { connections: c.connections, ...c.length }),
      ]);
      return [logins, tokens];
    },
  },
];
