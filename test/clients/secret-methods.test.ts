import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  basicAuth,
  basicSecret,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from '../token/fixtures.ts';

/**
 * User story: a relying-party library sends the client secret the way it prefers (HTTP Basic or the form body) whatever
 * the client was registered with. `client_secret_basic` and `client_secret_post` are one shared secret sent two ways
 * (RFC 6749 §2.3.1), so either is accepted for a client registered for one of them — unless the operator asks for
 * `clientAuthentication.strictSecretMethod`, which holds each client to its registered method. Discovery lists both
 * either way, which stays true: each is supported.
 */

async function clientCredentials(
  provider: BackChannelProvider,
  clientId: string,
  secret: string,
  via: 'basic' | 'post',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const params = { grant_type: 'client_credentials', scope: 'profile' };
  return via === 'basic'
    ? tokenRequest(provider, params, { authorization: basicAuth(clientId, secret) })
    : tokenRequest(provider, { ...params, client_id: clientId, client_secret: secret });
}

async function discoveredMethods(provider: BackChannelProvider): Promise<unknown> {
  const response = await fetch(`${provider.issuer}/.well-known/openid-configuration`);
  return ((await response.json()) as Record<string, unknown>).token_endpoint_auth_methods_supported;
}

describe('shared-secret methods, by default', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider();
  });
  after(() => provider.stop());

  it('a client registered for client_secret_basic completes client_credentials with client_secret_post', async () => {
    const response = await clientCredentials(provider, 'basic', basicSecret, 'post');
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(typeof response.body.access_token, 'string');
  });

  it('a client registered for client_secret_post completes client_credentials with client_secret_basic', async () => {
    const response = await clientCredentials(provider, 'post', 'post-secret', 'basic');
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  it('still checks the secret, and never lets the secret of a client_secret_jwt client travel', async () => {
    const wrong = await clientCredentials(provider, 'basic', 'wrong', 'post');
    assert.deepEqual([wrong.status, wrong.body.error], [401, 'invalid_client']);
    for (const via of ['basic', 'post'] as const) {
      const jwt = await clientCredentials(provider, 'jwt', 'a-client-secret-of-at-least-32-bytes-for-hs256', via);
      assert.deepEqual([jwt.status, jwt.body.error], [401, 'invalid_client'], via);
    }
  });

  it('discovery lists both methods', async () => {
    const methods = (await discoveredMethods(provider)) as string[];
    assert.ok(methods.includes('client_secret_basic') && methods.includes('client_secret_post'));
  });
});

describe('shared-secret methods, strict (clientAuthentication.strictSecretMethod)', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider({ clientAuthentication: { strictSecretMethod: true } });
  });
  after(() => provider.stop());

  it('refuses the other method with invalid_client, and accepts the registered one', async () => {
    const post = await clientCredentials(provider, 'basic', basicSecret, 'post');
    assert.deepEqual([post.status, post.body.error], [401, 'invalid_client']);
    assert.match(String(post.body.error_description), /client_secret_basic/);
    const basic = await clientCredentials(provider, 'post', 'post-secret', 'basic');
    assert.deepEqual([basic.status, basic.body.error], [401, 'invalid_client']);
    assert.equal((await clientCredentials(provider, 'basic', basicSecret, 'basic')).status, 200);
    assert.equal((await clientCredentials(provider, 'post', 'post-secret', 'post')).status, 200);
  });

  it('discovery still lists both methods (each is supported, per client)', async () => {
    const methods = (await discoveredMethods(provider)) as string[];
    assert.ok(methods.includes('client_secret_basic') && methods.includes('client_secret_post'));
  });
});
