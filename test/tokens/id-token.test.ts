import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { tokenHash } from '../../provider/tokens/hash.ts';
import {
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from '../token/fixtures.ts';

describe('ID tokens per client id_token_signed_response_alg', () => {
  const algorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider({
      signingAlgorithms: [...algorithms],
      clients: algorithms.map((alg) => ({
        client_id: `client-${alg}`,
        client_secret: 'secret',
        token_endpoint_auth_method: 'client_secret_post',
        redirect_uris: [redirectUri],
        id_token_signed_response_alg: alg,
      })),
    });
  });
  after(() => provider.stop());

  for (const alg of algorithms) {
    it(`signs with ${alg}, with a matching at_hash, verifiable from the published JWKS`, async () => {
      const clientId = `client-${alg}`;
      const { code } = await seedCode(provider, { clientId, scope: 'openid', nonce: 'nonce' });
      const response = await tokenRequest(provider, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: clientId,
        client_secret: 'secret',
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const idToken = String(response.body.id_token);
      const header = decodeProtectedHeader(idToken);
      assert.equal(header.alg, alg);
      const jwks = (await (await fetch(`${provider.issuer}/jwks`)).json()) as { keys: JWK[] };
      assert.ok(jwks.keys.some((key) => key.kid === header.kid && key.alg === alg));
      const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), {
        algorithms: [alg],
        issuer: provider.issuer,
        audience: clientId,
      });
      assert.equal(payload.at_hash, tokenHash(String(response.body.access_token), alg));
      assert.equal(payload.nonce, 'nonce');
    });
  }

  it('hashes at_hash with SHA-256, and SHA-512 for Ed25519 (OIDC Core §3.1.3.6)', () => {
    // Vector: OIDC Core §A.3 access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" → at_hash "77QmUPtjPfzWtF2AnpK9RQ".
    assert.equal(tokenHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256'), '77QmUPtjPfzWtF2AnpK9RQ');
    assert.equal(tokenHash('x', 'EdDSA').length, 43, 'left half of a 64-byte digest');
  });
});
