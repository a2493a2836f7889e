import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthorizationPending, OIDCError, ServerError } from '../../provider/errors/oidc-error.ts';

const frames = (error: Error): string[] =>
  (error.stack ?? '').split('\n').filter((line) => line.trim().startsWith('at '));

/** provider/errors/oidc-error.ts: a stack is captured only for errors that can be logged with one. */
describe('OIDCError stacks', () => {
  it('captures none for an exposed error (a client mistake, never logged with frames)', () => {
    const error = new AuthorizationPending();
    assert.deepEqual(frames(error), []);
    assert.equal(error.message, 'authorization request is still pending');
    assert.ok(error instanceof OIDCError && error instanceof Error);
  });

  it('keeps the frames of a not-exposed error (server_error logs them)', () => {
    assert.ok(frames(new ServerError('bug')).length > 0);
    assert.ok(frames(new OIDCError('server_error', 'outage', 503, false)).length > 0);
  });

  it('leaves Error.stackTraceLimit as it was', () => {
    const before = Error.stackTraceLimit;
    new AuthorizationPending();
    new ServerError();
    assert.equal(Error.stackTraceLimit, before);
    assert.ok(frames(new Error('plain')).length > 0);
  });
});
