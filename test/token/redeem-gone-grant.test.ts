import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { opaqueTokenId } from '../../provider/tokens/opaque.ts';
import {
  basicClient,
  redirectUri,
  seedCode,
  startBackChannelProvider,
  tokenRequest,
  type BackChannelProvider,
} from './fixtures.ts';

/**
 * A code or refresh token is consumed while its grant is read (one storage round trip for both, docs/storage.md).
 * So one whose grant turns out to be gone is refused with `invalid_grant` and is used up by that attempt — it could
 * never have been redeemed anyway — and the refusal is the same on every later attempt.
 */
describe('token endpoint: redeeming from a grant that is gone', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startBackChannelProvider();
  });
  after(() => provider.stop());

  it('refuses an authorization code whose grant was revoked, and the code is used up', async () => {
    const { code, grantId } = await seedCode(provider, { clientId: 'basic' });
    await provider.models.destroy('Grant', grantId);
    const fields = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
    const first = await tokenRequest(provider, fields, basicClient);
    assert.deepEqual([first.status, first.body.error], [400, 'invalid_grant']);
    assert.equal(first.body.access_token, undefined);
    const again = await tokenRequest(provider, fields, basicClient);
    assert.deepEqual([again.status, again.body.error], [400, 'invalid_grant']);
    assert.equal(
      await provider.models.find('AuthorizationCode', opaqueTokenId(code)),
      undefined,
      'destroyed as a replay',
    );
  });

  it('refuses a refresh token whose grant was revoked', async () => {
    const { code, grantId } = await seedCode(provider, { clientId: 'basic' });
    const issued = await tokenRequest(
      provider,
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri },
      basicClient,
    );
    const refresh = String(issued.body.refresh_token);
    await provider.models.destroy('Grant', grantId);
    const response = await tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: refresh }, basicClient);
    assert.deepEqual([response.status, response.body.error], [400, 'invalid_grant']);
    assert.equal(response.body.access_token, undefined);
  });
});
