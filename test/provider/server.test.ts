import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
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

/** GET over the given agent (keep-alive): status, body and the `Connection` header the server answered with. */
function get(agent: Agent, url: string): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolveGet, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolveGet({ status: res.statusCode ?? 0, body, connection: res.headers.connection });
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
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

  it('SIGTERM drains: not ready and closing each connection while still serving for shutdownDelaySeconds, then exits 0', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'kubeoidc-start-'));
    dirs.push(cwd);
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const delaySeconds = 3;
    const server = startServer(
      {
        KUBEOIDC_PORT: String(port),
        KUBEOIDC_METRICS_PORT: '0',
        KUBEOIDC_ISSUER: issuer,
        KUBEOIDC_HOST: '127.0.0.1',
        KUBEOIDC_SHUTDOWN_DELAY_SECONDS: String(delaySeconds),
      },
      cwd,
    );
    await waitForOutput(() => server.output().stdout, /discovery:\s+(\S+)/);
    const exited = once(server.child, 'exit') as Promise<[number | null]>;
    // A keep-alive client connected before the signal.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = await get(agent, `${issuer}/healthz/ready`);
    assert.equal(before.status, 200);
    assert.notEqual(before.connection, 'close');

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    // Readiness turns 503 (naming the drain) while the process still answers …
    const deadline = Date.now() + 30_000;
    let ready = before;
    while (ready.status === 200 && Date.now() < deadline) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 20));
      ready = await get(agent, `${issuer}/healthz/ready`);
    }
    assert.equal(ready.status, 503);
    assert.deepEqual((JSON.parse(ready.body) as { checks: Record<string, string> }).checks.shutdown, 'draining');
    assert.equal(ready.connection, 'close');
    // … and a request still gets its answer, telling the client to reconnect elsewhere.
    const discovery = await get(agent, `${issuer}/.well-known/openid-configuration`);
    assert.equal(discovery.status, 200);
    assert.equal((JSON.parse(discovery.body) as { issuer: string }).issuer, issuer);
    assert.equal(discovery.connection, 'close');
    agent.destroy();

    const [code] = await exited;
    assert.equal(code, 0);
    // Not before the delay (a lower bound only: the machine may be slow, never early).
    assert.ok(Date.now() - signalledAt >= delaySeconds * 1000, `exited ${Date.now() - signalledAt} ms after SIGTERM`);
    assert.match(server.output().stdout, /draining, then shutting down/);
  });

  it('with NODE_ENV=production and no KUBEOIDC_CONFIG the start fails naming the variable (no demo account served)', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'kubeoidc-start-'));
    dirs.push(cwd);
    const server = startServer({ NODE_ENV: 'production', KUBEOIDC_PORT: String(await freePort()) }, cwd);
    const [code] = (await once(server.child, 'exit')) as [number | null];
    assert.equal(code, 2);
    const lines = server.output().stderr.trim().split('\n');
    assert.equal(lines.length, 1, server.output().stderr);
    assert.match(lines[0], /KUBEOIDC_CONFIG: not set; with NODE_ENV=production/);
    assert.doesNotMatch(server.output().stdout, /DEVELOPMENT DEFAULTS/);
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
