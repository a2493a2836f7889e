import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../support/free-port.ts';

/**
 * The provider's entry (`kubeoidc provider`, the image's default command) loads only what the provider runs: never the
 * operator's code nor its Kubernetes client (@kubernetes/client-node, a large module graph that would cost every
 * provider replica memory for nothing — docs/performance.md), nor Node's bundled undici (fetch, WebSocket: an ESM
 * `import … from 'node:http'` loads it, through the namespace reading node:http's lazy `WebSocket` getter — the provider
 * takes node:http through `provider/http/node-http.ts` instead). Checked on the real entry, started as the image starts
 * it, after it has served discovery, JWKS and a token, with every loaded module recorded by a preloaded hook.
 */
const entry = resolve(import.meta.dirname, '../../bin/kubeoidc.ts');
const recorder = resolve(import.meta.dirname, '../support/module-recorder.ts');
const children: ChildProcess[] = [];
const dirs: string[] = [];
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A hang guard, not a speed check. */
async function waitFor(read: () => string, pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in output:\n${read()}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

describe('the provider entry’s module graph', () => {
  it('never loads the operator, its Kubernetes client or undici, even after serving requests', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeoidc-modules-'));
    dirs.push(dir);
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const configFile = join(dir, 'config.json');
    await writeFile(
      configFile,
      JSON.stringify({
        issuer,
        port,
        host: '127.0.0.1',
        metricsPort: 0,
        logLevel: 'warn',
        devKeysDir: join(dir, 'keys'),
        clients: [
          {
            client_id: 'machine',
            client_secret: 'machine-secret-0123456789abcdef',
            redirect_uris: [],
            grant_types: ['client_credentials'],
            response_types: [],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
      }),
    );
    const record = join(dir, 'modules.txt');
    const child = spawn(process.execPath, ['--import', recorder, entry, 'provider'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', KUBEOIDC_CONFIG: configFile, KUBEOIDC_MODULE_RECORD: record },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => output, /listening on/);

    assert.equal((await fetch(`${issuer}/.well-known/openid-configuration`)).status, 200);
    assert.equal((await fetch(`${issuer}/jwks`)).status, 200);
    const token = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('machine:machine-secret-0123456789abcdef').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    assert.equal(token.status, 200);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, output);
    const modules = (await readFile(record, 'utf8')).split('\n');
    // The recorder saw the provider itself (so an empty or partial record cannot pass).
    assert.ok(
      modules.some((url) => url.endsWith('/provider/runtime.ts')),
      'provider/runtime.ts recorded',
    );
    assert.ok(
      modules.some((url) => url.includes('/node_modules/express/')),
      'express recorded',
    );
    assert.deepEqual(
      modules.filter((url) => url.includes('/node_modules/@kubernetes/')),
      [],
      'the Kubernetes client is not loaded',
    );
    // The recorder saw Node's internal modules too (so the undici check below cannot pass on an empty list).
    assert.ok(modules.includes('node:internal/http'), 'node:internal/http recorded');
    assert.deepEqual(
      modules.filter((url) => url.startsWith('node:internal/deps/undici/')),
      [],
      'Node’s bundled undici is not loaded',
    );
    const root = new URL('../../', import.meta.url).href;
    assert.deepEqual(
      modules.filter((url) => url.startsWith(`${root}operator/`)),
      [],
      'no operator module is loaded',
    );
  });
});
