import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The default log destination (provider/log/logger.ts `stdoutDestination`) writes standard output in batches: a lone
 * line is not held until the buffer fills — it appears within the flush interval while the process keeps running —
 * and lines still buffered when the process exits are written, none lost. Run in a child process, since it is its
 * standard output.
 */

const logger = resolve(import.meta.dirname, '../../provider/log/logger.ts');
const child = `
import { createLogger } from ${JSON.stringify(logger)};
const log = createLogger('info');
log.info({ n: 0 }, 'lone');
process.stdin.once('data', () => {
  for (let n = 1; n <= 200; n += 1) log.info({ n }, 'burst');
  process.exit(0);
});
`;

describe('stdout log destination', () => {
  it('writes a lone line while the process runs, and every buffered line at exit', async () => {
    const process_ = spawn(process.execPath, ['--input-type=module', '-e', child], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    process_.stdout.setEncoding('utf8');
    process_.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    const exited = once(process_, 'exit');
    try {
      // Hang guard only: the line is due within the flush interval (200 ms), far less on a quiet machine.
      const deadline = Date.now() + 20_000;
      while (!out.includes('"lone"') && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 20));
      assert.ok(out.includes('"lone"'), 'the lone line was written while the process ran');
      assert.equal(process_.exitCode, null, 'the process was still running');
      process_.stdin.write('go\n');
      await exited;
    } finally {
      if (process_.exitCode === null) process_.kill();
    }
    const lines = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { n: number; msg: string });
    assert.deepEqual(
      lines.map((line) => line.n),
      Array.from({ length: 201 }, (_, n) => n),
    );
  });
});
