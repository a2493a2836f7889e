import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../support/free-port.ts';

/**
 * The container image runs `npm run build`'s output as `node dist/bin/kubeoidc.js <provider|operator>` (Dockerfile).
 * No Docker engine runs here, so this builds the same way into a git-ignored folder inside the repository (so the
 * compiled files resolve node_modules like the image does) and runs the compiled entry for real.
 */
const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('compiled entry (what the image runs)', () => {
  let outDir: string;
  before(async () => {
    await mkdir(join(root, 'test-output'), { recursive: true });
    outDir = await mkdtemp(join(root, 'test-output', 'build-'));
    await run(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir],
      {
        cwd: root,
      },
    );
  });
  after(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('`kubeoidc provider` serves discovery and stops on SIGTERM', async () => {
    const port = await freePort();
    const cwd = await mkdtemp(join(outDir, 'run-'));
    const child = spawn(process.execPath, [join(outDir, 'bin/kubeoidc.js'), 'provider'], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        KUBEOIDC_PORT: String(port),
        KUBEOIDC_HOST: '127.0.0.1',
        KUBEOIDC_METRICS_PORT: '0',
        KUBEOIDC_ISSUER: `http://127.0.0.1:${port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const deadline = Date.now() + 20_000;
      while (!stdout.includes('discovery:')) {
        assert.ok(Date.now() < deadline && child.exitCode === null, `provider did not start: ${stdout}`);
        await new Promise((wait) => setTimeout(wait, 50));
      }
      const discovery = (await (await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
      };
      assert.equal(discovery.issuer, `http://127.0.0.1:${port}`);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('`kubeoidc hash-password` prints an argon2id hash; an unknown command prints the usage', async () => {
    const child = spawn(process.execPath, [join(outDir, 'bin/kubeoidc.js'), 'hash-password'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end('correct horse\n');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.match(stdout.trim(), /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    await assert.rejects(
      run(process.execPath, [join(outDir, 'bin/kubeoidc.js'), 'teleport']),
      (error: { code?: number; stderr?: string }) => {
        assert.equal(error.code, 2);
        assert.match(error.stderr ?? '', /usage: kubeoidc provider \| operator/);
        return true;
      },
    );
  });
});
