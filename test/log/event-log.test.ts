import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestContext } from '../../provider/events/context.ts';
import { ProviderEmitter } from '../../provider/events/events.ts';
import { AuthorizationPending, InvalidClient } from '../../provider/errors/oidc-error.ts';
import { logEvents } from '../../provider/log/event-log.ts';
import { createLogger } from '../../provider/log/logger.ts';
import type { AccessToken } from '../../provider/models/types.ts';

/**
 * Event log lines (provider/log/event-log.ts `logEvents`). Lines other than `server_error` skip pino's redaction pass,
 * so they must hold only their allow-listed fields: nothing from the request's parameters, a model's other fields or
 * an error's other properties. (`server_error` lines still go through the redaction.)
 */

const secret = 'do-not-log-this-value';

function capture(): { events: ProviderEmitter; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('debug', {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const events = new ProviderEmitter();
  logEvents(events, logger);
  return { events, lines };
}

function context(): RequestContext {
  return {
    requestId: 'req-1',
    method: 'POST',
    path: '/token',
    ip: '127.0.0.1',
    oidc: {
      route: 'token',
      params: { device_code: secret, client_secret: secret, code: secret },
      client: { clientId: 'app', metadata: { client_secret: secret } },
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
    },
  };
}

describe('event log lines', () => {
  it('a handled error: the allow-listed fields only', () => {
    const { events, lines } = capture();
    const error = Object.assign(new AuthorizationPending(), { token: secret, code: secret });
    events.emitSafely('grant.error', context(), error);
    assert.equal(lines.length, 1);
    const [line = {}] = lines;
    assert.deepEqual(Object.keys(line).sort(), [
      'clientId',
      'error',
      'errorDescription',
      'event',
      'grantType',
      'level',
      'method',
      'msg',
      'path',
      'requestId',
      'route',
      'service',
      'time',
    ]);
    assert.equal(line.level, 30);
    assert.equal(line.error, 'authorization_pending');
    assert.equal(line.clientId, 'app');
    assert.doesNotMatch(JSON.stringify(lines), new RegExp(secret));
  });

  it('a model event: the allow-listed model fields only', () => {
    const { events, lines } = capture();
    const token = {
      kind: 'AccessToken',
      jti: 'hashed-id',
      clientId: 'app',
      grantId: 'grant-1',
      gty: 'authorization_code',
      exp: 1_900_000_000,
      accountId: secret,
      scope: secret,
      token: secret,
      claims: { access_token: secret },
    } as unknown as AccessToken;
    events.emitSafely('access_token.saved', token);
    const [line = {}] = lines;
    assert.deepEqual(Object.keys(line).sort(), [
      'clientId',
      'event',
      'exp',
      'grantId',
      'gty',
      'jti',
      'kind',
      'level',
      'msg',
      'service',
      'time',
    ]);
    assert.doesNotMatch(JSON.stringify(lines), new RegExp(secret));
  });

  it("server_error: the error's allow-listed fields, never its other properties", () => {
    const { events, lines } = capture();
    const failure = Object.assign(new Error('boom'), { code: 'E_SOMETHING', password: secret });
    events.emitSafely('server_error', context(), failure);
    const [line = {}] = lines;
    assert.equal(line.level, 50);
    assert.equal((line.err as { message?: unknown }).message, 'boom');
    assert.doesNotMatch(JSON.stringify(lines), new RegExp(secret));
  });

  it('a failed client authentication names the claimed client, not its secret', () => {
    const { events, lines } = capture();
    events.emitSafely('grant.error', context(), new InvalidClient(`client authentication failed`));
    assert.equal(lines[0]?.error, 'invalid_client');
    assert.doesNotMatch(JSON.stringify(lines), new RegExp(secret));
  });
});
