import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import type { BackChannelProvider } from '../token/fixtures.ts';
import { approveInBrowser, startDeviceProvider, type DeviceAuthorization } from './fixtures.ts';

/**
 * User story: a TV app built on openid-client (v6) signs a user in with the device authorization grant —
 * `initiateDeviceAuthorization` from discovery, the user approves in a browser through the user-code page, login and
 * consent, and `pollDeviceAuthorizationGrant` (which honours `interval`) returns tokens with a validated ID token.
 */
describe('openid-client: device authorization grant', () => {
  let provider: BackChannelProvider;
  before(async () => {
    provider = await startDeviceProvider();
  });
  after(() => provider.stop());

  it('initiateDeviceAuthorization → browser approval → pollDeviceAuthorizationGrant', async () => {
    const config = await client.discovery(new URL(provider.issuer), 'tv', {}, client.None(), {
      // The test issuer is plain http on loopback, which is exactly what this opt-in is for.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      execute: [client.allowInsecureRequests],
    });
    assert.ok(config.serverMetadata().device_authorization_endpoint);
    const response = await client.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    assert.equal(response.verification_uri, `${provider.issuer}/device`);
    const done = await approveInBrowser(provider, response as unknown as DeviceAuthorization);
    assert.equal(done.status, 200);
    const tokens = await client.pollDeviceAuthorizationGrant(config, response);
    const claims = tokens.claims();
    assert.ok(claims, 'ID token validated by openid-client');
    assert.equal(claims.sub, 'alice-sub');
    assert.equal(claims.aud, 'tv');
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.name, 'Alice Example');
  });
});
