import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { backchannelLogoutEvent, logoutTokenTtl, signLogoutToken } from '../../provider/backchannel/logout-token.ts';
import { Client } from '../../provider/clients/client.ts';
import { metadataContext } from '../../provider/clients/client-store.ts';
import { validateClientMetadata } from '../../provider/clients/metadata.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

/**
 * The logout token on its own, with the provider's real keystore: signed with the algorithm the client registered for
 * ID tokens, verifiable with the published JWKS, `sub` only when known, never a `nonce`.
 */
describe('logout token', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider({ features: { backchannelLogout: { enabled: true } } });
  });
  after(() => provider.stop());

  const clientWith = (alg: string): Client => {
    const { metadata } = validateClientMetadata(
      {
        client_id: `c-${alg}`,
        client_secret: 'secret-secret-secret-secret-secret',
        redirect_uris: ['https://rp.example/cb'],
        id_token_signed_response_alg: alg,
        backchannel_logout_uri: 'https://rp.example/bc',
      },
      metadataContext(provider.config),
    );
    return new Client(metadata, {}, true);
  };

  it("is signed with the client's id_token_signed_response_alg and verifies against the JWKS", async () => {
    const jwks = createLocalJWKSet(provider.keys.current.jwks);
    for (const alg of ['RS256', 'ES256']) {
      const now = 1_800_000_000;
      const client = clientWith(alg);
      const token = await signLogoutToken(
        { issuer: provider.issuer, client, sid: 'sid-1', sub: 'sub-1', now },
        provider.keys,
      );
      assert.equal(decodeProtectedHeader(token).alg, alg);
      const { payload } = await jwtVerify(token, jwks, {
        issuer: provider.issuer,
        audience: client.clientId,
        typ: 'logout+jwt',
        algorithms: [alg],
        currentDate: new Date(now * 1000),
      });
      assert.deepEqual(payload.events, { [backchannelLogoutEvent]: {} });
      assert.equal(payload.exp, now + logoutTokenTtl);
      assert.equal(payload.sub, 'sub-1');
      assert.equal(payload.sid, 'sid-1');
      assert.equal('nonce' in payload, false);
    }
  });

  it('omits sub when the account is gone, keeping sid', async () => {
    const token = await signLogoutToken(
      { issuer: provider.issuer, client: clientWith('RS256'), sid: 'sid-2', now: 1_800_000_000 },
      provider.keys,
    );
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    assert.equal('sub' in payload, false);
    assert.equal(payload.sid, 'sid-2');
  });
});
