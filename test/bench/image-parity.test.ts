import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kubeoidcSpec } from '../../bench/servers/kubeoidc.ts';
import { imageEntrypoint, imageEnvironment, imageNodeFlags } from '../support/image-entrypoint.ts';
import { scratchDirs } from '../support/scratch-dirs.ts';

/**
 * The bench measures what users run: the image's node flags and the environment its Dockerfile sets (e.g.
 * `MALLOC_ARENA_MAX`, which bounds what password hashing leaves resident — docs/performance.md), read from the
 * Dockerfile itself so that neither can drift from the other.
 */
const scratch = scratchDirs('kubeoidc-image-parity-');

describe('the image as the bench runs it', () => {
  it('the image sets NODE_ENV and one malloc arena', () => {
    const env = imageEnvironment();
    assert.equal(env.NODE_ENV, 'production');
    assert.equal(env.MALLOC_ARENA_MAX, '1');
  });

  it('the bench starts kubeoidc with the image’s node flags and every variable of its ENV', async () => {
    const dir = await scratch();
    const spec = kubeoidcSpec({ entry: '/app/dist/bin/kubeoidc.js', keysFile: join(dir, 'keys.json'), accounts: [] });
    const { argv, env } = await spec.command({ port: 1, redisUrl: 'redis://127.0.0.1:1', dir });
    const flags = imageNodeFlags();
    assert.ok(flags.length > 0, 'the ENTRYPOINT has node flags');
    assert.deepEqual(argv.slice(1, 1 + flags.length), flags);
    assert.deepEqual(argv.slice(-2), ['/app/dist/bin/kubeoidc.js', 'provider']);
    for (const [name, value] of Object.entries(imageEnvironment())) assert.equal(env[name], value, name);
  });

  it('reads ENV of the final stage only, and refuses forms it does not parse', async () => {
    const dir = await scratch();
    const dockerfile = join(dir, 'Dockerfile');
    await writeFile(
      dockerfile,
      [
        'FROM node:24 AS build',
        'ENV BUILD_ONLY=1',
        'FROM node:24-bookworm-slim',
        'ENV A=1 B=two',
        'ENV C=',
        'ENTRYPOINT ["node", "--flag", "/app/x.js"]',
      ].join('\n'),
    );
    assert.deepEqual(imageEnvironment(dockerfile), { A: '1', B: 'two', C: '' });
    assert.deepEqual(imageEntrypoint(dockerfile), ['node', '--flag', '/app/x.js']);
    await writeFile(dockerfile, 'FROM node:24\nENV A="quoted value"\n');
    assert.throws(() => imageEnvironment(dockerfile), /only unquoted KEY=value pairs/);
    await writeFile(dockerfile, 'FROM node:24\nENV LEGACY value\n');
    assert.throws(() => imageEnvironment(dockerfile), /only unquoted KEY=value pairs/);
  });
});
