import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestProvider, type TestProvider } from '../support/provider.ts';

/**
 * The access log (provider/log/event-log.ts `accessLog`): one line per finished request at `info`, with exactly the
 * route path (no query), method, status and duration; none at `warn`. It skips the redaction pass, so it must never
 * carry anything but those fields — not the query string, not a header.
 */
describe('access log', () => {
  const lines: Record<string, unknown>[] = [];
  let provider: TestProvider;
  let quiet: TestProvider;
  const quietLines: Record<string, unknown>[] = [];
  before(async () => {
    provider = await startTestProvider(
      { logLevel: 'info' },
      { logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } },
    );
    quiet = await startTestProvider(
      { logLevel: 'warn' },
      {
        logDestination: { write: (line: string) => void quietLines.push(JSON.parse(line) as Record<string, unknown>) },
      },
    );
  });
  after(async () => {
    await provider.stop();
    await quiet.stop();
  });

  it('writes one line per request with only path, method, status and duration', async () => {
    const response = await fetch(`${provider.issuer}/jwks?secret=query-value`, {
      headers: { authorization: 'Bearer header-value' },
    });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    const requestLines = lines.filter((line) => line.msg === 'request');
    assert.equal(requestLines.length, 1);
    const [line = {}] = requestLines;
    assert.deepEqual(Object.keys(line).sort(), ['level', 'method', 'ms', 'msg', 'path', 'service', 'status', 'time']);
    assert.equal(line.path, '/jwks');
    assert.equal(line.method, 'GET');
    assert.equal(line.status, 200);
    assert.equal(typeof line.ms, 'number');
    assert.doesNotMatch(JSON.stringify(lines), /query-value|header-value/);
  });

  it('writes none at warn', async () => {
    await (await fetch(`${quiet.issuer}/jwks`)).arrayBuffer();
    assert.deepEqual(
      quietLines.filter((line) => line.msg === 'request'),
      [],
    );
  });
});
