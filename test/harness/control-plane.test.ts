/**
 * The control-plane harness itself: a real etcd and kube-apiserver on loopback, reachable with the admin token
 * through client-node and kubectl, refusing other tokens, and gone without a trace after stop().
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, type V1Namespace } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { kubectl } from '../support/kubectl.ts';

/** etcd and kube-apiserver processes whose command line mentions `dir` (for checking, never for killing). */
function serversUsing(dir: string): string[] {
  let lines: string[];
  try {
    lines = execFileSync('pgrep', ['-af', dir], { encoding: 'utf8' }).trim().split('\n');
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  // The harness's watchdog shell mentions the dir too.
  return lines.filter((line) => /\/(etcd|kube-apiserver) /.test(line)).map((line) => line.split(' ')[1] ?? '');
}

describe('startControlPlane', () => {
  let cp: ControlPlane | undefined;
  before(async () => {
    cp = await startControlPlane();
  });
  after(async () => {
    await cp?.stop();
  });

  it('serves HTTPS on 127.0.0.1 only', () => {
    assert.match(cp!.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    const port = new URL(cp!.server).port;
    // Local addresses (4th column) of every listener on that port.
    const local = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[3]);
    assert.deepEqual(local, [`127.0.0.1:${port}`]);
  });

  it('kubeConfig() gives client-node admin access', async () => {
    const core = cp!.kubeConfig().makeApiClient(CoreV1Api);
    const namespaces = await core.listNamespace();
    assert.ok(namespaces.items.some((ns) => ns.metadata?.name === 'default'));
    const body: V1Namespace = { metadata: { name: 'harness-check' } }; // eslint-disable-line @typescript-eslint/no-unsafe-class-instance-assignment -- plain JSON is what the API takes
    await core.createNamespace({ body });
    const created = await core.readNamespace({ name: 'harness-check' });
    assert.equal(created.metadata?.name, 'harness-check');
  });

  it('kubectl uses the kubeconfig as the admin user', async () => {
    assert.equal((await kubectl(cp!, 'auth', 'can-i', '*', '*')).trim(), 'yes');
    assert.match(await kubectl(cp!, 'get', 'namespace', 'harness-check', '-o', 'name'), /namespace\/harness-check/);
  });

  it('rejects a wrong token', async () => {
    const response = await fetchInsecure(`${cp!.server}/api/v1/namespaces`, 'not-the-token');
    assert.equal(response, 401);
  });

  it('stop() kills both processes, removes the temp dir, and can be called again', async () => {
    const other = await startControlPlane();
    const dir = dirname(other.kubeconfigPath);
    assert.equal(serversUsing(dir).length, 2, 'etcd and kube-apiserver run');
    await Promise.all([other.stop(), other.stop()]);
    await other.stop();
    assert.deepEqual(serversUsing(dir), []);
    assert.equal(existsSync(dir), false);
  });
});

describe('a test process that never calls stop()', () => {
  for (const [mode, how] of [
    ['exit', 'ends by itself: the exit hook kills the servers'],
    ['wait', 'is killed with SIGKILL: the watchdog kills the servers'],
  ] as const) {
    it(`${how}, and the temp dir is removed`, async () => {
      const fixture = fileURLToPath(new URL('fixtures/abandon-control-plane.ts', import.meta.url));
      const child = spawn(process.execPath, [fixture, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let output = '';
      for await (const chunk of child.stdout) {
        output += String(chunk);
        if (output.includes('\n')) break;
      }
      const dir = dirname(output.trim());
      if (mode === 'wait') {
        assert.equal(serversUsing(dir).length, 2, 'servers run while the test process lives');
        child.kill('SIGKILL');
      }
      await exited;
      await waitFor(() => serversUsing(dir).length === 0 && !existsSync(dir), 10_000);
    });
  }
});

/** Polls `condition` every 100 ms until it holds, or fails after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`condition not met after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Status code of a GET with a bearer token, skipping TLS verification (self-signed serving certificate). */
async function fetchInsecure(url: string, token: string): Promise<number> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    request(url, { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}
