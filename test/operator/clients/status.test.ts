import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clientStatusChanged,
  failedForGood,
  failureReason,
  evaluateClientStatus,
  type ClientStatusInputs,
} from '../../../operator/clients/status.ts';
import {
  ProviderUnavailableError,
  RegistrationError,
  RegistrationRejectedError,
} from '../../../operator/clients/registration-api.ts';
import type { OIDCClient } from '../../../operator/kube/crds.ts';
import { oidcClient } from './fixtures.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const T1 = T0 + 60_000;
const inputs = (client: OIDCClient, changes: Partial<ClientStatusInputs>): ClientStatusInputs => ({
  client,
  registration: { state: 'registered', clientId: 'app' },
  secret: { state: 'synced' },
  secretName: 'c',
  now: T0,
  ...changes,
});
const summary = (status: ReturnType<typeof evaluateClientStatus>) =>
  Object.fromEntries((status.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

describe('evaluateClientStatus', () => {
  const cases: { name: string; changes: Partial<ClientStatusInputs>; expected: Record<string, string> }[] = [
    {
      name: 'registered and written → Ready',
      changes: {},
      expected: { Ready: 'True/Ready', Registered: 'True/Registered', SecretSynced: 'True/SecretWritten' },
    },
    {
      name: 'invalid spec',
      changes: { registration: { state: 'failed', reason: 'InvalidSpec', message: 'bad' }, secret: undefined },
      expected: {
        Ready: 'False/InvalidSpec',
        Registered: 'False/InvalidSpec',
        SecretSynced: 'False/WaitingForRegistration',
      },
    },
    {
      name: 'provider unavailable before any registration',
      changes: { registration: { state: 'failed', reason: 'ProviderUnavailable', message: 'down' }, secret: undefined },
      expected: {
        Ready: 'False/ProviderUnavailable',
        Registered: 'False/ProviderUnavailable',
        SecretSynced: 'False/WaitingForRegistration',
      },
    },
    {
      name: 'provider unavailable after a registration: Registered is Unknown',
      changes: {
        registration: { state: 'failed', reason: 'ProviderUnavailable', message: 'down' },
        secret: undefined,
        recordedClientId: 'app',
      },
      expected: {
        Ready: 'False/ProviderUnavailable',
        Registered: 'Unknown/ProviderUnavailable',
        SecretSynced: 'False/WaitingForRegistration',
      },
    },
    {
      name: 'provider missing',
      changes: { registration: { state: 'failed', reason: 'ProviderNotFound', message: 'gone' }, secret: undefined },
      expected: {
        Ready: 'False/ProviderNotFound',
        Registered: 'False/ProviderNotFound',
        SecretSynced: 'False/WaitingForRegistration',
      },
    },
    {
      name: 'registered, Secret not written',
      changes: { secret: { state: 'failed', message: 'forbidden' } },
      expected: { Ready: 'False/ApplyFailed', Registered: 'True/Registered', SecretSynced: 'False/ApplyFailed' },
    },
  ];
  for (const { name, changes, expected } of cases) {
    it(name, () => {
      assert.deepEqual(summary(evaluateClientStatus(inputs(oidcClient('c'), changes))), expected);
    });
  }

  it('reports clientId, secretName and observedGeneration (the recorded client id while the provider is down)', () => {
    const client = oidcClient('c', (c) => {
      c.metadata.generation = 4;
    });
    const ok = evaluateClientStatus(inputs(client, {}));
    assert.equal(ok.clientId, 'app');
    assert.equal(ok.secretName, 'c');
    assert.equal(ok.observedGeneration, 4);
    assert.ok(ok.conditions?.every((c) => c.observedGeneration === 4));
    const down = evaluateClientStatus(
      inputs(client, {
        registration: { state: 'failed', reason: 'ProviderUnavailable', message: 'x' },
        recordedClientId: 'kept',
      }),
    );
    assert.equal(down.clientId, 'kept');
  });

  it('changes lastTransitionTime only when a status flips', () => {
    const client = oidcClient('c');
    client.status = evaluateClientStatus(inputs(client, {}));
    const same = evaluateClientStatus(inputs(client, { now: T1 }));
    assert.ok(same.conditions?.every((c) => c.lastTransitionTime === '2026-01-01T00:00:00Z'));
    assert.equal(clientStatusChanged(client.status, same), false);

    const flipped = evaluateClientStatus(
      inputs(client, { now: T1, secret: { state: 'failed', message: 'forbidden' } }),
    );
    const at = Object.fromEntries((flipped.conditions ?? []).map((c) => [c.type, c.lastTransitionTime]));
    assert.deepEqual(at, {
      Ready: '2026-01-01T00:01:00Z',
      Registered: '2026-01-01T00:00:00Z',
      SecretSynced: '2026-01-01T00:01:00Z',
    });
    assert.equal(clientStatusChanged(client.status, flipped), true);
  });

  it('never carries a credential', () => {
    const text = JSON.stringify(evaluateClientStatus(inputs(oidcClient('c'), {})));
    assert.ok(!/secret-value|rat-value/.test(text));
  });
});

describe('failedForGood: a refused registration waits for the next generation', () => {
  const rejected = { state: 'failed', reason: 'RegistrationRejected', message: 'client_id is already in use' } as const;
  it('holds for the generation that was refused, not for the next one, nor for a retriable failure', () => {
    const client = oidcClient('c');
    client.status = evaluateClientStatus(inputs(client, { registration: rejected, secret: undefined }));
    assert.equal(failedForGood(client), true);
    const next = oidcClient('c');
    next.metadata.generation = 2;
    next.status = client.status;
    assert.equal(failedForGood(next), false);
    const unavailable = { state: 'failed', reason: 'ProviderUnavailable', message: 'down' } as const;
    client.status = evaluateClientStatus(inputs(client, { registration: unavailable, secret: undefined }));
    assert.equal(failedForGood(client), false);
  });

  it('reports ProviderNotReady as Unknown once registered, False before', () => {
    const notReady = { state: 'failed', reason: 'ProviderNotReady', message: 'waiting' } as const;
    const before = evaluateClientStatus(inputs(oidcClient('c'), { registration: notReady, secret: undefined }));
    assert.equal(summary(before).Registered, 'False/ProviderNotReady');
    const after = evaluateClientStatus(
      inputs(oidcClient('c'), { registration: notReady, secret: undefined, recordedClientId: 'app' }),
    );
    assert.equal(summary(after).Registered, 'Unknown/ProviderNotReady');
  });
});

describe('failureReason: which refusals are worth retrying', () => {
  it('retries unavailability and other refusals, not a 400 answer', () => {
    assert.equal(failureReason(new ProviderUnavailableError('register: provider unreachable')), 'ProviderUnavailable');
    const refused = new RegistrationRejectedError(400, 'invalid_redirect_uri', 'must use https');
    assert.equal(failureReason(refused), 'RegistrationRejected');
    const badToken = new RegistrationRejectedError(401, 'invalid_token', 'initial access token is invalid');
    assert.equal(failureReason(badToken), 'RegistrationFailed');
    assert.equal(failureReason(new RegistrationError('unexpected_response', 'HTTP 404')), 'RegistrationFailed');
  });
});
