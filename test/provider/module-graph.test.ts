import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { buildDist, builtEntry } from '../../scripts/build.ts';
import { freePort } from '../support/free-port.ts';

/**
 * The provider's entry (`kubeoidc provider`, the image's default command) loads only what the provider runs: never the
 * operator's code nor its Kubernetes client (@kubernetes/client-node, a large module graph that would cost every
 * provider replica memory for nothing — docs/performance.md), nor Node's bundled undici (fetch, WebSocket: an ESM
 * `import … from 'node:http'` loads it, through the namespace reading node:http's lazy `WebSocket` getter — the provider
 * takes node:http through `provider/http/node-http.ts` instead). Checked on the real entry, started as the image starts
 * it, after it has served discovery, JWKS and a token, with every loaded module recorded by a preloaded hook: the
 * source entry (`bin/kubeoidc.ts`, `npm start`) and the built one the image runs (`npm run build`, scripts/build.ts:
 * a bundle whose chunks are mapped back to their source files by esbuild's metafile).
 */
const root = resolve(import.meta.dirname, '../..');
const sourceEntry = join(root, 'bin/kubeoidc.ts');
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

/**
 * Starts `entry provider` with the module recorder, has it serve discovery, JWKS and a client_credentials token, stops
 * it with SIGTERM, and answers every module URL it loaded.
 */
async function modulesLoadedServing(entry: string): Promise<string[]> {
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
  return (await readFile(record, 'utf8')).split('\n');
}

/** Node's own modules: the recorder saw them (so the check cannot pass on an empty list), and undici is not one. */
function assertNoUndici(modules: string[]): void {
  assert.ok(modules.includes('node:internal/http'), 'node:internal/http recorded');
  assert.deepEqual(
    modules.filter((url) => url.startsWith('node:internal/deps/undici/')),
    [],
    'Node’s bundled undici is not loaded',
  );
}

describe('the provider entry’s module graph', () => {
  it('from the sources: never loads the operator, its Kubernetes client or undici, even after serving requests', async () => {
    const modules = await modulesLoadedServing(sourceEntry);
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
    assertNoUndici(modules);
    assert.deepEqual(
      modules.filter((url) => url.startsWith(new URL('operator/', `file://${root}/`).href)),
      [],
      'no operator module is loaded',
    );
  });

  it('as built for the image: its chunks hold no operator code, and it loads no Kubernetes client or undici', async () => {
    await mkdir(join(root, 'test-output'), { recursive: true });
    const outDir = await mkdtemp(join(root, 'test-output', 'module-graph-'));
    dirs.push(outDir);
    const metafile = await buildDist(outDir);
    const modules = await modulesLoadedServing(join(outDir, builtEntry));
    // The source files inside every output file the process loaded, by esbuild's metafile (paths relative to the root).
    const loadedOutputs = modules
      .filter((url) => url.startsWith('file:'))
      .map((url) => relative(root, fileURLToPath(url)))
      .filter((path) => path in metafile.outputs);
    assert.ok(loadedOutputs.length > 1, `chunks recorded: ${loadedOutputs.join(', ')}`);
    const sources = loadedOutputs.flatMap((output) => Object.keys(metafile.outputs[output].inputs));
    assert.ok(sources.includes('provider/runtime.ts'), 'provider/runtime.ts is in a loaded chunk');
    assert.ok(
      sources.some((source) => source.includes('node_modules/express/')),
      'express is in a loaded chunk',
    );
    assert.deepEqual(
      sources.filter((source) => source.startsWith('operator/') || source.includes('node_modules/@kubernetes/')),
      [],
      'no operator module or Kubernetes client in a loaded chunk',
    );
    assert.deepEqual(
      modules.filter((url) => url.includes('/node_modules/@kubernetes/')),
      [],
      'the Kubernetes client (left external to the bundle) is not loaded',
    );
    assertNoUndici(modules);
  });
});
