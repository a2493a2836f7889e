/**
 * Situations of the device flow (RFC 8628): the device code saved; polls before the answer are `grant.error`
 * (`authorization_pending`, `slow_down`) and nothing else — polling bookkeeping is no replay detection; the end-user's
 * approval in the browser is an authorization (`authorization.accepted` / `.success`) that saves the answer in the
 * device code; the next poll consumes it; a denial destroys it at the next poll.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { deviceCodeGrantType } from '../../../provider/device/grant-type.ts';
import { pollingInterval } from '../../../provider/device/grant-type.ts';
import type { Prompt } from '../../../provider/models/types.ts';
import { approveInBrowser, type DeviceAuthorization } from '../../device/fixtures.ts';
import { aliceSub, at, expectEvents, failed, postForm, record, type ContractProvider } from './harness.ts';

async function authorizeDevice(p: ContractProvider): Promise<DeviceAuthorization> {
  const { status, body } = await postForm(`${p.issuer}/device/authorize`, {
    client_id: 'tv',
    scope: 'openid profile offline_access',
  });
  assert.equal(status, 200, JSON.stringify(body));
  return body as unknown as DeviceAuthorization;
}

function poll(p: ContractProvider, deviceCode: string): Promise<{ status: number; body: Record<string, unknown> }> {
  // Each poll after the interval: the clock moves on, as the device waits.
  p.clock.advance(pollingInterval * 1000);
  return postForm(`${p.issuer}/token`, { grant_type: deviceCodeGrantType, device_code: deviceCode, client_id: 'tv' });
}

const prompt =
  (name: Prompt['name']) =>
  (_ctx: unknown, value: Prompt): void => {
    assert.equal(value.name, name);
  };

export function deviceSituations(provider: () => ContractProvider): void {
  it('device authorization, pending polls, approval in the browser, tokens at the next poll', async () => {
    const p = provider();
    p.log.take();
    const device = await authorizeDevice(p);
    expectEvents(p.log.take(), [['device_code.saved', record({ clientId: 'tv' })]]);

    assert.equal((await poll(p, device.device_code)).body.error, 'authorization_pending');
    expectEvents(p.log.take(), [['grant.error', failed('token', 'authorization_pending', 'tv')]]);
    const tooSoon = await postForm(`${p.issuer}/token`, {
      grant_type: deviceCodeGrantType,
      device_code: device.device_code,
      client_id: 'tv',
    });
    assert.equal(tooSoon.body.error, 'slow_down');
    expectEvents(p.log.take(), [['grant.error', failed('token', 'slow_down', 'tv')]]);

    await approveInBrowser(p, device);
    expectEvents(p.log.take(), [
      ['interaction.saved', record({ clientId: 'tv' })],
      ['interaction.started', prompt('login')],
      ['interaction.saved', record({ clientId: 'tv' })],
      ['interaction.destroyed', record({ clientId: 'tv' })],
      ['interaction.ended', at('device_verification')],
      ['session.saved', record({ accountId: aliceSub })],
      ['interaction.saved', record({ clientId: 'tv' })],
      ['interaction.started', prompt('consent')],
      ['interaction.saved', record({ clientId: 'tv' })],
      ['interaction.destroyed', record({ clientId: 'tv' })],
      ['interaction.ended', at('device_verification')],
      ['authorization.accepted', at('device_verification', 'tv')],
      ['session.saved', record({ accountId: aliceSub })],
      ['device_code.saved', record({ clientId: 'tv' })],
      ['authorization.success', at('device_verification', 'tv')],
    ]);

    const tokens = await poll(p, device.device_code);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    expectEvents(p.log.take(), [
      ['device_code.consumed', record({ clientId: 'tv' })],
      ['access_token.saved', record({ clientId: 'tv', gty: deviceCodeGrantType })],
      ['grant.success', at('token', 'tv')],
    ]);
  });

  it('a denial in the browser: the answer saved, the device code destroyed at the next poll', async () => {
    const p = provider();
    const device = await authorizeDevice(p);
    await approveInBrowser(p, device, { answer: 'deny' });
    p.log.take();
    assert.equal((await poll(p, device.device_code)).body.error, 'access_denied');
    expectEvents(p.log.take(), [
      ['device_code.destroyed', record({ clientId: 'tv' })],
      ['grant.error', failed('token', 'access_denied', 'tv')],
    ]);
  });
}
