import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidGrant, OIDCError } from '../../provider/errors/oidc-error.ts';
import { eventNames, ProviderEmitter } from '../../provider/events/events.ts';
import { setupMetrics } from '../../provider/metrics/setup.ts';
import { freePort } from '../support/free-port.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

const ctx = (route: string, grantType?: string) => ({
  requestId: 'r',
  method: 'POST',
  path: '/token',
  ip: '127.0.0.1',
  oidc: { route, params: {}, ...(grantType ? { grantType } : {}) },
});

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics derived from events', () => {
  const events = new ProviderEmitter();
  const { metrics } = setupMetrics(events, {
    version: '0.0.0-test',
    keys: () => ({ activeKeyIds: ['a', 'b'], publishedKeyIds: ['a', 'b', 'c'] }),
    allowClient: (clientId) => clientId === 'managed',
  });

  it('counts every event from zero, errors by endpoint and bounded code, tokens by type, replays', async () => {
    const token = {
      jti: 'x',
      kind: 'AccessToken',
      iat: 0,
      exp: 1,
      accountId: 'a',
      grantId: 'g',
      scope: 'openid',
      format: 'opaque',
    } as const;
    events.emitSafely('access_token.saved', { ...token, clientId: 'managed', gty: 'authorization_code' });
    events.emitSafely('access_token.saved', { ...token, clientId: 'random-123', gty: 'made-up' });
    events.emitSafely('grant.error', ctx('token'), new InvalidGrant());
    events.emitSafely('grant.error', ctx('token'), new OIDCError('weird_code', 'x'));
    events.emitSafely('server_error', ctx('token'), new Error('boom'));
    events.emitSafely('server_error', { ...ctx('registration'), method: 'PUT' }, new Error('boom'));
    events.emitSafely('grant.revoked', ctx('token', 'refresh_token'), 'g1');
    events.emitSafely('grant.revoked', ctx('revocation'), 'g2');
    const text = await metrics.registry.metrics();
    for (const event of eventNames) assert.notEqual(sample(text, 'kubeoidc_events_total', { event }), undefined, event);
    assert.equal(sample(text, 'kubeoidc_events_total', { event: 'access_token.saved' }), 2);
    assert.equal(sample(text, 'kubeoidc_errors_total', { endpoint: 'grant', error: 'invalid_grant' }), 1);
    assert.equal(sample(text, 'kubeoidc_errors_total', { endpoint: 'grant', error: 'other' }), 1);
    // One label scheme for handled errors and server_error: the `<endpoint>.error` prefix (token → grant).
    assert.equal(sample(text, 'kubeoidc_errors_total', { endpoint: 'grant', error: 'server_error' }), 1);
    assert.equal(sample(text, 'kubeoidc_errors_total', { endpoint: 'token', error: 'server_error' }), undefined);
    assert.equal(sample(text, 'kubeoidc_errors_total', { endpoint: 'registration_update', error: 'server_error' }), 1);
    assert.equal(
      sample(text, 'kubeoidc_tokens_issued_total', { client: 'managed', grant_type: 'authorization_code' }),
      1,
    );
    assert.equal(sample(text, 'kubeoidc_tokens_issued_total', { client: 'other', grant_type: 'other' }), 1);
    assert.equal(sample(text, 'kubeoidc_token_replays_total', { kind: 'refresh_token' }), 1);
    assert.equal(sample(text, 'kubeoidc_signing_keys', { state: 'active' }), 2);
    assert.equal(sample(text, 'kubeoidc_signing_keys', { state: 'published' }), 1);
    assert.equal(sample(text, 'kubeoidc_build_info', { version: '0.0.0-test' }), 1);
  });
});

describe('/metrics on its own port', () => {
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider({ metricsPort: await freePort() });
  });
  after(async () => {
    await provider.stop();
  });

  it('serves request durations by route, storage timings and key states; the public port has no /metrics', async () => {
    assert.equal((await fetch(`${provider.issuer}/.well-known/openid-configuration`)).status, 200);
    assert.equal((await fetch(`${provider.issuer}/healthz/ready`)).status, 200);
    assert.equal((await fetch(`${provider.issuer}/metrics`)).status, 404);
    assert.equal((await fetch(`${provider.issuer}/no/such/${'x'.repeat(20)}`)).status, 404);
    const response = await fetch(`http://127.0.0.1:${provider.metricsPort!}/metrics`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.ok(
      (sample(text, 'kubeoidc_http_request_duration_seconds_count', {
        route: 'discovery',
        method: 'GET',
        status_class: '2xx',
      }) ?? 0) >= 1,
    );
    assert.ok(
      (sample(text, 'kubeoidc_http_request_duration_seconds_count', { route: 'other', status_class: '4xx' }) ?? 0) >= 2,
    );
    assert.doesNotMatch(text, /route="\/no\/such/);
    assert.equal(sample(text, 'kubeoidc_signing_keys', { state: 'active' }), 2);
    assert.match(text, /kubeoidc_process_/);
  });
});
