/**
 * Scenarios of end-user flows, driven by the flow runner: refresh-token chains started by real code flows, the whole
 * code flow through the HTML forms (trivial and default password hash; `flows.ts`, on the node:http client of
 * `http-client.ts`), and the login burst with client_credentials alongside.
 */
import { basicAuthorizationOf, benchWebClient } from './bench-client.ts';
import { runFlows } from './flow-load.ts';
import { codeFlow, login } from './flows.ts';
import { send } from './http-client.ts';
import { json, runLoad } from './load.ts';
import { clientCredentials, form, tokenGoal, users, type Scenario } from './scenario-kit.ts';

export const refresh: Scenario = {
  rows: [{ id: 'refresh', title: 'refresh_token (rotation, ID token)', unit: 'req/s', goal: tokenGoal }],
  async run(c) {
    // One refresh token per connection from real code flows; each connection then rotates its own chain, sending
    // the next request with the token the last answer gave. (autocannon resets per-connection state after every
    // request, so these requests go through the node:http keep-alive client of `http-client.ts`: fetch (undici) cost
    // the load core about as much CPU per request as the server spent on it.)
    const runners = users('trivial', c.connections);
    const starts = await Promise.all(runners.map((user) => codeFlow(c.baseUrl, user)));
    const chains = starts.map((flow) => flow.refreshToken);
    const authorization = basicAuthorizationOf(benchWebClient);
    return [
      await runFlows(
        async (runner) => {
          const started = performance.now();
          const response = await send(new URL('/token', c.baseUrl), {
            method: 'POST',
            headers: { authorization, 'content-type': form },
            body: `grant_type=refresh_token&refresh_token=${chains[runner] ?? ''}`,
          });
          const ms = performance.now() - started;
          const answer = json(response.text);
          if (
            response.status !== 200 ||
            typeof answer?.refresh_token !== 'string' ||
            typeof answer.id_token !== 'string'
          ) {
            throw new Error(`${String(response.status)} ${response.text.slice(0, 200)}`);
          }
          chains[runner] = answer.refresh_token;
          return ms;
        },
        { runners: runners.length, ...c.length },
      ),
    ];
  },
};

export const codeFlows: Scenario[] = (['trivial', 'default'] as const).map((cost): Scenario => ({
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
}));

export const loginBurst: Scenario = {
  rows: [
    {
      id: 'login-burst',
      title: 'login burst: logins/s (default password hash)',
      unit: 'logins/s',
      goal: {
        note: 'reported (bound by the hash by design), completed while the client_credentials load of the next row runs; oidc-provider checks no password',
      },
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
};
