/**
 * Situations that need the provider's Redis: the `kubeoidc create-initial-access-token` / `revoke-initial-access-token`
 * commands (their events reach the same log and stream consumers as a replica's), and `server_error` — a token
 * request while Redis is down is an outage, not a client's mistake: 503 `temporarily_unavailable`, `server_error`
 * only, counted under the `grant` endpoint like the token endpoint's handled errors.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { OIDCError } from '../../../provider/errors/oidc-error.ts';
import type { RequestContext } from '../../../provider/events/context.ts';
import { ProviderEmitter } from '../../../provider/events/events.ts';
import { initialAccessTokenCommand } from '../../../provider/registration/cli.ts';
import { opaqueTokenId } from '../../../provider/tokens/opaque.ts';
import { m2mClient, m2mTokenRequest } from '../../support/m2m-client.ts';
import { startRedis, type RedisServer } from '../../support/redis.ts';
import { startTestProvider, type TestProvider } from '../../support/provider.ts';
import { EventLog, expectEvents, record } from './harness.ts';

export function redisSituations(): void {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(() => redis.stop());

  it('the CLI creates and revokes an initial access token: its events reach the log', async () => {
    const events = new ProviderEmitter();
    const log = new EventLog(events);
    const lines: Record<string, unknown>[] = [];
    const out: string[] = [];
    const config = `storage:\n  type: redis\n  url: ${redis.url}\n  keyPrefix: 'contract:'\nlogLevel: debug\n`;
    const io = (stdin = '') => ({
      env: { KUBEOIDC_CONFIG: 'config.yaml' },
      readFile: () => Promise.resolve(config),
      stdin: () => Promise.resolve(stdin),
      out: (line: string) => out.push(line),
      err: (line: string) => assert.fail(line),
      events,
      logDestination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    assert.equal(await initialAccessTokenCommand('create-initial-access-token', ['--expires-in', '600'], io()), 0);
    const value = out[0] ?? '';
    expectEvents(log.take(), [['initial_access_token.saved', record({ jti: opaqueTokenId(value) })]]);
    assert.equal(await initialAccessTokenCommand('revoke-initial-access-token', [], io(`${value}\n`)), 0);
    expectEvents(log.take(), [['initial_access_token.destroyed', record({ jti: opaqueTokenId(value) })]]);
    // The log consumer got both, with the hashed id only.
    const logged = lines.filter((line) => String(line.event).startsWith('initial_access_token.'));
    assert.deepEqual(
      logged.map((line) => [line.event, line.jti]),
      [
        ['initial_access_token.saved', opaqueTokenId(value)],
        ['initial_access_token.destroyed', opaqueTokenId(value)],
      ],
    );
    assert.ok(!JSON.stringify(lines).includes(value), 'the token value is in no log line');
  });

  it('a token request while Redis is down: server_error only', async () => {
    const provider: TestProvider = await startTestProvider({
      storage: { type: 'redis', url: redis.url, keyPrefix: 'contract-outage:' },
      logLevel: 'silent',
      clients: [m2mClient],
    });
    try {
      const log = new EventLog(provider.events);
      await redis.stop();
      const response = await m2mTokenRequest(provider.url);
      assert.equal(response.status, 503);
      expectEvents(log.take(), [
        [
          'server_error',
          (ctx: RequestContext, error: Error) => {
            assert.equal(ctx.oidc.route, 'token');
            assert.equal(ctx.oidc.client?.clientId, 'm2m');
            assert.ok(!(error instanceof OIDCError));
          },
        ],
      ]);
      const metrics = await provider.metrics.registry.getSingleMetricAsString('kubeoidc_errors_total');
      assert.match(metrics, /kubeoidc_errors_total\{endpoint="grant",error="server_error"\} 1/);
    } finally {
      await provider.stop();
    }
  });
}
