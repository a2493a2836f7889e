import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';
import { MemoryStorage } from '../../provider/storage/memory.ts';
import { systemClock } from '../../provider/time/clock.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

/**
 * Attack: server-side request forgery through client metadata. A client registers a `jwks_uri` or
 * `backchannel_logout_uri` on the provider's own loopback (a sidecar's admin port, here a test server) and makes the
 * provider fetch or POST it. Registration refuses such URIs unless `outbound.allow` permits them; and a client whose
 * record already holds one (registered before the policy, or through storage) still gets no request sent there —
 * the connection itself is refused.
 */
describe('outbound requests to client-chosen URLs', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  let publicJwk: Record<string, unknown>;
  let privateKey: CryptoKey;
  before(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const register = (provider: TestProvider, body: Record<string, unknown>): Promise<Response> =>
    fetch(`${provider.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_types: ['client_credentials'], response_types: [], ...body }),
    });
  const features = {
    registration: { enabled: true, initialAccessToken: false },
    backchannelLogout: { enabled: true },
  };

  it('refuses loopback jwks_uri and backchannel_logout_uri at registration by default', async () => {
    const provider = await startTestProvider({ features });
    try {
      for (const body of [
        { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${base}/jwks` },
        { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://169.254.169.254/latest/meta-data' },
        { backchannel_logout_uri: `${base}/admin/shutdown`, redirect_uris: ['https://app.example.com/cb'] },
        {
          backchannel_logout_uri: 'http://localhost:15000/quitquitquit',
          redirect_uris: ['https://app.example.com/cb'],
        },
      ]) {
        const response = await register(provider, body);
        assert.equal(response.status, 400, JSON.stringify(body));
        const error = (await response.json()) as { error: string; error_description: string };
        assert.equal(error.error, 'invalid_client_metadata');
        assert.match(error.error_description, /internal address/);
      }
      assert.deepEqual(hits, []);
    } finally {
      await provider.stop();
    }
  });

  it('accepts them when outbound.allow lists loopback, and then fetches the keys', async () => {
    const provider = await startTestProvider({ features, outbound: { allow: ['127.0.0.0/8'] } });
    try {
      const response = await register(provider, {
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: `${base}/jwks-allowed`,
      });
      assert.equal(response.status, 201);
      const { client_id: clientId } = (await response.json()) as { client_id: string };
      const token = await clientCredentials(provider, clientId);
      assert.equal(token.status, 200);
      assert.ok(hits.includes('/jwks-allowed'));
    } finally {
      await provider.stop();
    }
  });

  it('never connects to a loopback jwks_uri already stored for a client', async () => {
    const storage = new MemoryStorage({ clock: systemClock, maxEntries: 1000 });
    const provider = await startTestProvider({ features }, { storage });
    try {
      const now = Math.floor(Date.now() / 1000);
      await storage.adapter('Client').upsert(
        'stored-before',
        {
          jti: 'stored-before',
          kind: 'Client',
          iat: now,
          exp: now + 3600,
          metadata: {
            client_id: 'stored-before',
            application_type: 'web',
            redirect_uris: [],
            post_logout_redirect_uris: [],
            grant_types: ['client_credentials'],
            response_types: [],
            scope: 'openid',
            token_endpoint_auth_method: 'private_key_jwt',
            id_token_signed_response_alg: 'RS256',
            jwks_uri: `${base}/jwks-stored`,
            backchannel_logout_session_required: false,
            access_token_format: 'opaque',
          },
        },
        3600,
      );
      const token = await clientCredentials(provider, 'stored-before');
      assert.equal(token.status, 401);
      assert.ok(!hits.includes('/jwks-stored'), 'the provider sent nothing to the loopback address');
    } finally {
      await provider.stop();
      await storage.close();
    }
  });

  async function clientCredentials(provider: TestProvider, clientId: string): Promise<Response> {
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(`${provider.issuer}/token`)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
    return fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }).toString(),
    });
  }
});
