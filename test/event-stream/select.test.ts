/**
 * Which events become stream records and what a record may hold (pure), and how the operator names the Event.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRecord } from '../../operator/events/describe.ts';
import { InvalidGrant, LoginRequired, OIDCError, ServerError } from '../../provider/errors/oidc-error.ts';
import type { RequestContext } from '../../provider/events/context.ts';
import { eventNames } from '../../provider/events/events.ts';
import { fromStreamFields, toStreamFields } from '../../provider/event-stream/record.ts';
import { recordOf, streamedEvents } from '../../provider/event-stream/select.ts';
import { StorageUnavailableError } from '../../provider/storage/adapter.ts';

const issuer = 'https://id.example.com';
const now = Date.UTC(2026, 0, 1);

function ctx(route: string, extra: Partial<RequestContext['oidc']> = {}): RequestContext {
  return {
    requestId: 'r',
    method: 'POST',
    path: `/${route}`,
    ip: '127.0.0.1',
    oidc: {
      route,
      params: { code: 'secret-code', client_secret: 'hunter2' },
      client: { clientId: 'web', metadata: { client_secret: 'hunter2' } },
      accountId: 'sub-alice',
      ...extra,
    },
  };
}

describe('stream records', () => {
  it('streams errors, server_error and grant.revoked; no success or lifecycle event', () => {
    assert.ok(streamedEvents.includes('grant.error'));
    assert.ok(streamedEvents.includes('registration_create.error'));
    assert.ok(streamedEvents.includes('backchannel.error'));
    assert.ok(streamedEvents.includes('server_error'));
    assert.ok(streamedEvents.includes('grant.revoked'));
    const others = eventNames.filter((name) => !streamedEvents.includes(name));
    assert.ok(others.every((name) => !name.endsWith('.error')));
    assert.ok(others.includes('grant.success') && others.includes('access_token.saved'));
  });

  it('keeps allowlisted fields only: no secret, code, account id or parameter', () => {
    const record = recordOf(
      'grant.error',
      [ctx('token', { grantType: 'authorization_code' }), new InvalidGrant('code is invalid')],
      issuer,
      now,
    );
    assert.deepEqual(record, {
      event: 'grant.error',
      time: '2026-01-01T00:00:00.000Z',
      issuer,
      endpoint: 'token',
      clientId: 'web',
      grantType: 'authorization_code',
      error: 'invalid_grant',
      description: 'code is invalid',
    });
    const text = JSON.stringify(toStreamFields(record));
    for (const secret of ['hunter2', 'secret-code', 'sub-alice', '127.0.0.1']) assert.ok(!text.includes(secret));
    assert.deepEqual(fromStreamFields(toStreamFields(record)), record);
  });

  it('leaves out flow answers, unknown grant types, unexposed descriptions and server_error internals', () => {
    assert.equal(recordOf('authorization.error', [ctx('authorization'), new LoginRequired()], issuer, now), undefined);
    const odd = recordOf(
      'grant.error',
      [ctx('token', { grantType: 'x-custom' }), new OIDCError('weird', 'd')],
      issuer,
      now,
    );
    assert.equal(odd?.error, 'other');
    assert.equal(odd.grantType, undefined);
    const hidden = recordOf(
      'grant.error',
      [ctx('token'), new OIDCError('invalid_grant', 'internal', 400, false)],
      issuer,
      now,
    );
    assert.equal(hidden?.description, undefined);
    const crash = recordOf('server_error', [ctx('userinfo'), new Error('db password=hunter2 at line 3')], issuer, now);
    assert.deepEqual([crash?.error, crash?.description], ['server_error', undefined]);
    assert.ok(!JSON.stringify(crash).includes('hunter2'));
    const outage = recordOf('server_error', [ctx('token'), new StorageUnavailableError('redis down')], issuer, now);
    assert.equal(outage?.error, 'temporarily_unavailable');
    assert.equal(recordOf('server_error', [ctx('token'), new ServerError()], issuer, now)?.error, 'server_error');
    const long = recordOf('grant.error', [ctx('token'), new InvalidGrant('x'.repeat(1000))], issuer, now);
    assert.equal(long?.description?.length, 256);
  });

  it('streams grant.revoked only for a replay at the token endpoint', () => {
    assert.equal(
      recordOf('grant.revoked', [ctx('token', { grantType: 'refresh_token' }), 'g1'], issuer, now)?.grantType,
      'refresh_token',
    );
    assert.equal(recordOf('grant.revoked', [ctx('revocation'), 'g1'], issuer, now), undefined);
  });

  it('takes the client of backchannel.error from its argument, not the error message', () => {
    const record = recordOf(
      'backchannel.error',
      [
        ctx('end_session', { client: undefined }),
        new Error('HTTP 500 token=abc'),
        { clientId: 'rp', metadata: {} },
        'sub',
        'sid',
      ],
      issuer,
      now,
    );
    assert.deepEqual([record?.clientId, record?.error, record?.endpoint], ['rp', 'other', 'backchannel']);
    assert.ok(!JSON.stringify(record).includes('token=abc'));
  });
});

describe('Event naming (operator)', () => {
  const base = { time: '2026-01-01T00:00:00.000Z', issuer };
  it('derives a CamelCase reason and action, Warning for errors and replays', () => {
    assert.deepEqual(
      describeRecord({ ...base, event: 'grant.error', error: 'invalid_grant', endpoint: 'token', clientId: 'web' }),
      {
        type: 'Warning',
        reason: 'InvalidGrant',
        action: 'GrantError',
        note: 'grant.error at token: invalid_grant (client web)',
      },
    );
    assert.equal(describeRecord({ ...base, event: 'server_error', error: 'server_error' }).reason, 'ServerError');
    assert.equal(describeRecord({ ...base, event: 'userinfo.error', error: 'other' }).reason, 'OtherError');
    const replay = describeRecord({
      ...base,
      event: 'grant.revoked',
      error: 'invalid_grant',
      grantType: 'authorization_code',
    });
    assert.deepEqual([replay.type, replay.reason, replay.action], ['Warning', 'GrantRevoked', 'GrantRevoked']);
    assert.equal(describeRecord({ ...base, event: 'registration_create.success' }).type, 'Normal');
  });

  it('reports a user pressing Deny and a device client told to slow down as Normal, not Warning', () => {
    const denied = describeRecord({ ...base, event: 'authorization.error', error: 'access_denied', clientId: 'web' });
    assert.deepEqual([denied.type, denied.reason], ['Normal', 'AccessDenied']);
    const slow = describeRecord({ ...base, event: 'grant.error', error: 'slow_down', endpoint: 'token' });
    assert.deepEqual([slow.type, slow.reason], ['Normal', 'SlowDown']);
  });
});
