import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it, mock } from 'node:test';
import { pino } from 'pino';
import { accessLineWriter } from '../../provider/log/access-line.ts';
import { accessLog } from '../../provider/log/event-log.ts';
import { createLogger } from '../../provider/log/logger.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

/**
 * The access-log line without pino's per-call work (provider/log/access-line.ts) is byte for byte the line pino wrote
 * for it before: `logger.child({}, { redact: [] }).info({ method, path, status, ms }, 'request')` on the provider's
 * logger (the oracle below). Compared with the clock held still, so both lines carry the same time.
 */

type Sample = { path: string; method: string; status: number; seconds: number };

function capture(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

/** The line as pino writes it, at the time `Date.now()` says. */
function oracleLine(sample: Sample): string {
  const { lines, destination } = capture();
  createLogger('info', destination)
    .child({}, { redact: [] })
    .info(
      { method: sample.method, path: sample.path, status: sample.status, ms: Math.round(sample.seconds * 1000) },
      'request',
    );
  assert.equal(lines.length, 1);
  return lines[0] ?? '';
}

const samples: Sample[] = [
  { path: '/jwks', method: 'GET', status: 200, seconds: 0.00042 },
  { path: '/token', method: 'POST', status: 400, seconds: 0.0123 },
  { path: '/.well-known/openid-configuration', method: 'HEAD', status: 304, seconds: 0 },
  { path: '/introspect', method: 'POST', status: 500, seconds: 2.5004 },
  { path: '/', method: 'OPTIONS', status: 204, seconds: 0.0005 },
  { path: '/jwks?x=1&y="2"', method: 'GET', status: 200, seconds: 0.001 },
  { path: '/a"b\\c', method: 'GET', status: 404, seconds: 0.001 },
  { path: '/caf\u00e9/\u00fc\u00f1\u00ee', method: 'GET', status: 404, seconds: 0.001 },
  { path: '/\u2028\u2029/\u{1f600}', method: 'GET', status: 404, seconds: 0.001 },
  { path: '/lone\ud800/surrogate\udfff', method: 'GET', status: 404, seconds: 0.001 },
  { path: '/tab\there/nul\u0000/del\u007f', method: 'GET', status: 404, seconds: 0.001 },
  { path: `/${'x'.repeat(99)}`, method: 'GET', status: 404, seconds: 0.001 },
  { path: `/${'long-path/'.repeat(400)}`, method: 'GET', status: 404, seconds: 0.001 },
  { path: `/${'y'.repeat(150)}\ud83d`, method: 'GET', status: 404, seconds: 0.001 },
  { path: '/jwks', method: 'M-SEARCH', status: 999, seconds: 123.4567 },
  { path: '', method: '', status: 200, seconds: -0.0001 },
  { path: '/nan', method: 'GET', status: 200, seconds: Number.NaN },
  { path: '/inf', method: 'GET', status: 200, seconds: Number.POSITIVE_INFINITY },
];

describe('access-log line', () => {
  before(() => {
    mock.timers.enable({ apis: ['Date'], now: 1_764_690_123_456 });
  });
  after(() => {
    mock.timers.reset();
  });

  it('is the line pino wrote, for every kind of request', () => {
    for (const sample of samples) {
      const { lines, destination } = capture();
      accessLog(createLogger('info', destination))(sample);
      assert.deepEqual(lines, [oracleLine(sample)], JSON.stringify(sample));
    }
  });

  it('is written by the template, not by pino, for the usual request', () => {
    const { lines, destination } = capture();
    const logger = createLogger('info', destination).child({}, { redact: [] });
    const write = accessLineWriter(logger, 'request');
    assert.ok(write, 'the template was made');
    const info = mock.method(logger, 'info');
    write({ method: 'GET', path: '/jwks', status: 200, ms: 0 });
    assert.equal(info.mock.callCount(), 0);
    assert.deepEqual(lines, [oracleLine({ method: 'GET', path: '/jwks', status: 200, seconds: 0 })]);
    // A string that needs escaping goes through pino.
    write({ method: 'GET', path: '/a"b', status: 404, ms: 1 });
    assert.equal(info.mock.callCount(), 1);
  });

  it('is left to pino for a logger whose lines it cannot reproduce', () => {
    const { destination } = capture();
    const base = { base: { service: 'kubeoidc-provider' } };
    assert.equal(accessLineWriter(pino({ ...base, mixin: () => ({ extra: 1 }) }, destination), 'request'), undefined);
    assert.equal(accessLineWriter(pino({ ...base, formatters: { log: (o) => o } }, destination), 'request'), undefined);
    assert.equal(
      accessLineWriter(pino({ ...base, hooks: { streamWrite: (s: string) => s } }, destination), 'request'),
      undefined,
    );
    assert.equal(accessLineWriter(pino(base, destination).child({}, { msgPrefix: '[x] ' }), 'request'), undefined);
    assert.ok(accessLineWriter(pino(base, destination), 'request'));
  });

  it('writes nothing below its level', () => {
    const { lines, destination } = capture();
    accessLog(createLogger('warn', destination))({ path: '/jwks', method: 'GET', status: 200, seconds: 0 });
    assert.deepEqual(lines, []);
  });
});

describe('access-log lines of a running provider', () => {
  const lines: string[] = [];
  let provider: TestProvider;
  before(async () => {
    provider = await startTestProvider(
      { logLevel: 'info' },
      { logDestination: { write: (line: string) => void lines.push(line) } },
    );
  });
  after(async () => {
    await provider.stop();
  });

  /** A raw request (any target, any header bytes), answered and read to the end. */
  async function send(method: string, target: string, headers: Record<string, string> = {}): Promise<number> {
    const { hostname, port } = new URL(provider.issuer);
    return new Promise((resolve, reject) => {
      const req = request({ host: hostname, port, method, path: target, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
      });
      req.on('error', reject);
      req.end(method === 'POST' ? 'grant_type=client_credentials' : undefined);
    });
  }

  it('are the lines pino wrote: success, error, query string, odd user agents, long and odd paths', async () => {
    const statuses = [
      await send('GET', '/jwks'),
      await send('GET', '/.well-known/openid-configuration?x=1', { 'user-agent': 'curl/8 "quoted" \u00e9' }),
      await send('POST', '/token', {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic c2VjcmV0OnNlY3JldA==',
      }),
      await send('GET', `/jwks?token=secret-query-value&${'q=1&'.repeat(200)}`),
      await send('GET', `/${'deep/'.repeat(300)}end`, { 'user-agent': 'Mozilla/5.0 (\\"x\\")' }),
      await send('GET', '/caf%C3%A9/%22quoted%22'),
      await send('DELETE', '/healthz/live'),
    ];
    assert.deepEqual(statuses, [200, 200, 401, 200, 404, 404, 404]);
    const requestLines = lines.filter((line) => line.includes('"msg":"request"'));
    assert.equal(requestLines.length, statuses.length);
    for (const line of requestLines) {
      const parsed = JSON.parse(line) as { time: number; method: string; path: string; status: number; ms: number };
      assert.deepEqual(Object.keys(parsed), ['level', 'time', 'service', 'method', 'path', 'status', 'ms', 'msg']);
      const now = mock.method(Date, 'now', () => parsed.time);
      try {
        assert.equal(
          line,
          oracleLine({ method: parsed.method, path: parsed.path, status: parsed.status, seconds: parsed.ms / 1000 }),
        );
      } finally {
        now.mock.restore();
      }
    }
    assert.doesNotMatch(requestLines.join(''), /secret-query-value|c2VjcmV0|quoted" |Mozilla/);
  });
});
