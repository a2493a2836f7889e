import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../support/free-port.ts';

/** The real entry point, started the way `npm start` starts it. */
const serverEntry = resolve(import.meta.dirname, '../../provider/server.ts');
const children: ChildProcess[] = [];
const dirs: string[] = [];
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function startServer(env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, [serverEntry], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

/** A hang guard, not a speed check: a cold start generates development keys, slow on a loaded machine. */
async function waitForOutput(read: () => string, pattern: RegExp, timeoutMs = 120_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in output:\n${read()}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

describe('provider server entry (npm start)', () => {
  it('prints issuer and discovery URL; discovery and JWKS serve public keys only; SIGTERM exits 0', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'kubeoidc-start-'));
    dirs.push(cwd);
    const port = await freePort();
    const metricsPort = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const server = startServer(
      {
        KUBEOIDC_PORT: String(port),
        KUBEOIDC_METRICS_PORT: String(metricsPort),
        KUBEOIDC_ISSUER: issuer,
        KUBEOIDC_HOST: '127.0.0.1',
      },
      cwd,
    );
    const [, printedIssuer] = await waitForOutput(() => server.output().stdout, /issuer:\s+(\S+)/);
    const [, discoveryUrl] = await waitForOutput(() => server.output().stdout, /discovery:\s+(\S+)/);
    assert.equal(printedIssuer, issuer);
    assert.match(server.output().stdout, /DEVELOPMENT DEFAULTS/);

    const discovery = (await (await fetch(discoveryUrl)).json()) as { issuer: string; jwks_uri: string };
    assert.equal(discovery.issuer, issuer);
    const jwksResponse = await fetch(discovery.jwks_uri);
    assert.equal(jwksResponse.status, 200);
    const jwks = (await jwksResponse.json()) as { keys: Record<string, unknown>[] };
    assert.deepEqual(jwks.keys.map((key) => key.alg).sort(), ['ES256', 'RS256']);
    for (const key of jwks.keys) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) assert.equal(member in key, false);
    }

    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^kubeoidc_build_info\{/m);

    server.child.kill('SIGTERM');
    const [code] = (await once(server.child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });

  it('a bad KUBEOIDC_PORT stops the process with a non-zero code and one line naming the option', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'kubeoidc-start-'));
    dirs.push(cwd);
    const server = startServer({ KUBEOIDC_PORT: 'abc', KUBEOIDC_METRICS_PORT: '0' }, cwd);
    const [code] = (await once(server.child, 'exit')) as [number | null];
    assert.notEqual(code, 0);
    const lines = server.output().stderr.trim().split('\n');
    assert.equal(lines.length, 1, server.output().stderr);
    assert.match(lines[0], /KUBEOIDC_PORT/);
  });
});
