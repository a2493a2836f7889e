/**
 * The provider side of per-client metric labels: a running provider counts a client listed in
 * `metricsClientAllowlist` (what the operator renders for OIDCClients with `spec.metrics.label`) under its own client
 * id, and every other dynamically registered client as `other` — in every metric that has a `client` label, also on
 * failures, so the number of series is bounded by the allowlist whatever clients do.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { staticTokenHash } from '../../provider/registration/initial-access-token.ts';
import { freePort } from '../support/free-port.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

const iat = 'metrics-allowlist-initial-access-token-0123456789';

describe('metricsClientAllowlist on a running provider', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider({
      metricsPort: await freePort(),
      metricsClientAllowlist: ['allowed-app'],
      features: {
        registration: {
          enabled: true,
          initialAccessTokens: [{ sha256: staticTokenHash(iat), policies: ['client_id'] }],
        },
      },
    });
  });
  after(async () => {
    await provider.stop();
  });

  const register = async (clientId: string): Promise<{ client_id: string; client_secret: string }> => {
    const response = await fetch(`${provider.issuer}/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${iat}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: clientId, grant_types: ['client_credentials'], response_types: [] }),
    });
    assert.equal(response.status, 201);
    return (await response.json()) as { client_id: string; client_secret: string };
  };
  const token = async (clientId: string, secret: string): Promise<number> => {
    const response = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    return response.status;
  };

  it('labels the allowlisted client by its id and every other client as other, in every per-client metric', async () => {
    const allowed = await register('allowed-app');
    const unlisted = await register('unlisted-app');
    const generated = await register(`random-${String(Date.now())}`);
    for (const client of [allowed, unlisted, generated]) {
      assert.equal(await token(client.client_id, client.client_secret), 200);
      assert.equal(await token(client.client_id, 'wrong-secret'), 401);
    }
    const text = await (await fetch(`http://127.0.0.1:${String(provider.metricsPort)}/metrics`)).text();
    const issued = (client: string) =>
      text
        .split('\n')
        .find((line) =>
          line.startsWith(
            `kubeoidc_tokens_issued_total{type="client_credentials",grant_type="client_credentials",client="${client}"} `,
          ),
        )
        ?.split(' ')[1];
    assert.equal(issued('allowed-app'), '1');
    assert.equal(issued('other'), '2');

    const withClient = text.split('\n').filter((line) => !line.startsWith('#') && line.includes('client="'));
    const values = new Set(withClient.map((line) => /client="([^"]*)"/.exec(line)?.[1]));
    assert.deepEqual([...values].sort(), ['allowed-app', 'other']);
    // The metrics with a client label today; a new one must honour the allowlist too (this test then covers it).
    const names = new Set(withClient.map((line) => line.slice(0, line.indexOf('{'))));
    assert.deepEqual([...names], ['kubeoidc_tokens_issued_total']);
  });
});
