import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The provider's default log destination (provider/log/logger.ts `createLogger`): standard output, lines gathered in a
 * buffer and written together. Gathering must never keep a line back for good: a line logged by a provider that then
 * goes quiet reaches standard output while the process still runs (periodic flush), and lines logged right before
 * the process exits are all written. Real child processes writing to a real pipe.
 */

const logger = resolve(import.meta.dirname, '../../provider/log/logger.ts');

/** Starts a node process running `script` (ESM) with `createLogger` imported. */
function child(script: string) {
  const code = `import { createLogger } from ${JSON.stringify(logger)};\n${script}`;
  const process_ = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  process_.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  return { process: process_, stdout: () => stdout };
}

describe('default log destination', () => {
  it('writes a line of a provider that goes quiet while the process runs, not only at exit', async () => {
    // The child logs one short line (far below the buffer size) and then idles for up to 60 s (a hang guard).
    const { process: running, stdout } = child(
      `const log = createLogger('info'); log.info('quiet line'); setTimeout(() => process.exit(0), 60_000);`,
    );
    const exited = once(running, 'exit');
    let exitedFirst = false;
    void exited.then(() => {
      exitedFirst = !stdout().includes('quiet line');
    });
    while (!stdout().includes('quiet line') && running.exitCode === null) {
      await new Promise((wait) => setTimeout(wait, 50));
    }
    assert.equal(exitedFirst, false, 'the line was held back until the process exited');
    assert.equal(running.exitCode, null, 'the process still runs');
    assert.match(stdout(), /"msg":"quiet line"/);
    running.kill('SIGKILL');
    await exited;
  });

  it('writes every line logged right before the process exits', async () => {
    const { process: running, stdout } = child(
      `const log = createLogger('info'); for (let i = 0; i < 1000; i += 1) log.info({ i }, 'line'); process.exit(0);`,
    );
    // `close`: the process exited and its standard output was read to the end.
    const [code] = (await once(running, 'close')) as [number | null];
    assert.equal(code, 0);
    const lines = stdout()
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { i: number }).i);
    assert.deepEqual(
      lines,
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });
  it('writes the last lines of a process that ends by itself (no process.exit)', async () => {
    const { process: running, stdout } = child(
      `const log = createLogger('info'); for (let i = 0; i < 3; i += 1) log.info({ i }, 'line');`,
    );
    const [code] = (await once(running, 'close')) as [number | null];
    assert.equal(code, 0);
    assert.deepEqual(
      stdout()
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { i: number }).i),
      [0, 1, 2],
    );
  });
});
