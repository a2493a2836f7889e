/**
 * Scenarios of single requests, driven by `runLoad` (load.ts): discovery, JWKS, client_credentials (opaque and JWT),
 * introspection, revocation and the device grant poll. Each checks every answer (`accept`).
 */
import { basicAuthorizationOf, benchClient, benchJwtClient, benchWebClient } from './bench-client.ts';
import { json, ok2xx, runLoad, type LoadRequest } from './load.ts';
import {
  clientCredentials,
  expectedRequests,
  form,
  isJwt,
  pool,
  ring,
  seconds,
  single,
  tokenGoal,
  tokenRequest,
  type Scenario,
} from './scenario-kit.ts';

export const discovery = single(
  { id: 'discovery', title: 'discovery', unit: 'req/s', goal: { ratio: 1.5 } },
  {
    method: 'GET',
    path: '/.well-known/openid-configuration',
    accept: ok2xx((text) => typeof json(text)?.issuer === 'string'),
  },
);

export const jwks = single(
  { id: 'jwks', title: 'JWKS', unit: 'req/s', goal: { ratio: 1.5 } },
  { method: 'GET', path: '/jwks', accept: ok2xx((text) => Array.isArray(json(text)?.keys)) },
);

export const ccOpaque = single(
  { id: 'cc-opaque', title: 'client_credentials (opaque)', unit: 'req/s', goal: tokenGoal },
  { ...clientCredentials, accept: ok2xx((text) => typeof json(text)?.access_token === 'string' && !isJwt(text)) },
);

export const ccJwt = single(
  { id: 'cc-jwt', title: 'client_credentials (JWT access token)', unit: 'req/s', goal: tokenGoal },
  { ...tokenRequest(benchJwtClient, 'grant_type=client_credentials&scope=api%3Aread'), accept: ok2xx(isJwt) },
);

export const introspection: Scenario = {
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
};

export const revocation: Scenario = {
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
};

export const devicePoll: Scenario = {
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
};
