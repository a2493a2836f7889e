import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startupBanner, storageDescription } from '../../provider/banner.ts';
import { loadConfig } from '../../provider/config/load.ts';
import { freePort } from '../support/free-port.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

/**
 * User story: a newcomer runs `npm start` and sees the whole provider — every feature on, three demo clients — and the
 * banner tells the truth about what runs (memory or the Redis named by `KUBEOIDC_REDIS_URL`) and what is on, as
 * README's quick-start table says. The real entry point is started as `npm start` starts it, on a free loopback port.
 */

const serverEntry = resolve(import.meta.dirname, '../../provider/server.ts');
const children: ChildProcess[] = [];
const dirs: string[] = [];
let redis: RedisServer | undefined;
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  await redis?.stop();
});

interface Started {
  issuer: string;
  child: ChildProcess;
  stdout: () => string;
}

/** `node provider/server.ts` with the development default (no KUBEOIDC_CONFIG), until its banner is printed. */
async function start(env: Record<string, string> = {}): Promise<Started> {
  const cwd = await mkdtemp(join(tmpdir(), 'kubeoidc-dev-default-'));
  dirs.push(cwd);
  const port = await freePort();
  const issuer = `http://127.0.0.1:${String(port)}`;
  const child = spawn(process.execPath, [serverEntry], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      KUBEOIDC_PORT: String(port),
      KUBEOIDC_ISSUER: issuer,
      KUBEOIDC_HOST: '127.0.0.1',
      KUBEOIDC_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Generous: a hang guard on a loaded machine, not a performance bound.
  const deadline = Date.now() + 180_000;
  while (!/Not for production|not for production/.test(stdout) || !stdout.includes('post-logout')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`server did not start:\n${stdout}\n${stderr}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
  return { issuer, child, stdout: () => stdout };
}

async function stop(started: Started): Promise<void> {
  started.child.kill('SIGTERM');
  await once(started.child, 'exit');
}

/** Cells of a markdown table row `| name | value |` in README's quick start. */
function readmeRow(readme: string, name: string): string {
  const row = readme.split('\n').find((line) => line.startsWith(`| ${name} `));
  assert.ok(row, `README quick start has a "${name}" row`);
  return row.split('|')[2]?.trim() ?? '';
}

describe('npm start: the development default', () => {
  let started: Started;
  before(async () => {
    started = await start();
  });
  after(() => stop(started));

  it('turns every feature on: discovery lists device flow, PAR and back-channel logout', async () => {
    const discovery = (await (await fetch(`${started.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(discovery.device_authorization_endpoint, `${started.issuer}/device/authorize`);
    assert.equal(discovery.pushed_authorization_request_endpoint, `${started.issuer}/par`);
    assert.equal(discovery.backchannel_logout_supported, true);
    assert.equal(discovery.end_session_endpoint, `${started.issuer}/logout`);
    assert.equal(discovery.registration_endpoint, `${started.issuer}/register`);
    assert.equal(discovery.introspection_endpoint, `${started.issuer}/introspect`);
    assert.equal(discovery.revocation_endpoint, `${started.issuer}/revoke`);
    assert.ok((discovery.grant_types_supported as string[]).includes('urn:ietf:params:oauth:grant-type:device_code'));
  });

  it('lets demo use the device grant and demo-jwt get a JWT access token', async () => {
    const device = await fetch(`${started.issuer}/device/authorize`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('demo:demo-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ scope: 'openid profile' }).toString(),
    });
    assert.equal(device.status, 200, await device.clone().text());
    assert.equal(typeof ((await device.json()) as { user_code?: unknown }).user_code, 'string');

    const token = await fetch(`${started.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('demo-jwt:demo-jwt-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'profile' }).toString(),
    });
    const body = (await token.json()) as { access_token: string };
    assert.equal(token.status, 200, JSON.stringify(body));
    const header = JSON.parse(Buffer.from(body.access_token.split('.')[0] ?? '', 'base64url').toString()) as {
      typ?: string;
    };
    assert.equal(header.typ, 'at+jwt');
  });

  it('sends both demo clients back to http://localhost:8080/logged-out after logout', async () => {
    for (const clientId of ['demo', 'demo-jwt']) {
      const url = new URL('/logout', started.issuer);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('post_logout_redirect_uri', 'http://localhost:8080/logged-out');
      const response = await fetch(url, { redirect: 'manual' });
      assert.equal(response.status, 303, clientId);
      assert.equal(response.headers.get('location'), 'http://localhost:8080/logged-out');
    }
  });

  it('prints a banner that says memory storage and lists what is on, as README says', async () => {
    const stdout = started.stdout();
    assert.match(stdout, /^storage: {3}in memory/m);
    const features = /^features: {2}(.*)$/m.exec(stdout)?.[1];
    for (const name of ['device flow', 'pushed authorization requests', 'back-channel logout', 'resource indicators']) {
      assert.ok(features?.includes(name), name);
    }
    for (const client of ['"demo"', '"demo-spa"', '"demo-jwt"']) assert.ok(stdout.includes(client), client);

    const readme = await readFile(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    assert.equal(readmeRow(readme, 'features'), features, 'README quick start lists the features the banner lists');
    assert.ok(readmeRow(readme, 'storage').startsWith('in memory (one process; everything is lost on restart)'));
    const config = await loadConfig({ env: {}, readFile: () => Promise.reject(new Error('no file')) });
    const banner = startupBanner(config).join('\n');
    for (const client of config.clients) {
      const grants = new RegExp(`"${client.client_id}" \\(.*grants ([^;)]*)`).exec(banner)?.[1];
      assert.ok(grants, client.client_id);
      const row = readme.split('\n').find((line) => line.split('|')[2]?.trim().startsWith(`\`${client.client_id}\`,`));
      assert.ok(row?.includes(`grants ${grants}`), `README row of ${client.client_id} lists grants ${grants}`);
    }
  });
});

describe('npm start with KUBEOIDC_REDIS_URL', () => {
  it('says Redis in the banner, never in-memory, and never a password', async () => {
    redis = await startRedis();
    const started = await start({ KUBEOIDC_REDIS_URL: redis.url });
    try {
      const stdout = started.stdout();
      assert.match(stdout, new RegExp(`^storage: {3}Redis redis://127\\.0\\.0\\.1:${String(redis.port)} `, 'm'));
      assert.doesNotMatch(stdout, /in memory|in-memory/);
    } finally {
      await stop(started);
    }
    const described = storageDescription({ type: 'redis', url: 'redis://:s3cret@10.0.0.1:6380/2', keyPrefix: 'k:' });
    assert.equal(described, 'Redis redis://10.0.0.1:6380/2 (key prefix k:)');
  });
});
