import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { eventNames, ProviderEmitter } from '../../provider/events/events.ts';

const docsPath = resolve(import.meta.dirname, '../../docs/events.md');

/** Event names and listener-argument lists from a markdown table `| \`name\` | \`(args)\` | when |`. */
function tableRows(markdown: string): { name: string; args: string[] }[] {
  return [...markdown.matchAll(/^\| `([a-z_.]+)`\s*\| `\(([^)]*)\)`\s*\|/gm)].map((match) => ({
    name: match[1],
    args: match[2].split(',').map((arg) => arg.trim()),
  }));
}

describe('events contract', () => {
  it('the provider declares exactly the 54 documented events, in the documented order', async () => {
    const rows = tableRows(await readFile(docsPath, 'utf8'));
    assert.equal(rows.length, 54);
    assert.deepEqual(
      [...eventNames],
      rows.map((row) => row.name),
    );
  });

  it('a throwing or rejecting listener never breaks the emitter and is reported', async () => {
    const emitter = new ProviderEmitter();
    const reported: string[] = [];
    emitter.onListenerError = (event) => reported.push(event);
    const seen: string[] = [];
    emitter.on('grant.revoked', () => {
      throw new Error('boom');
    });
    // An async listener is exactly the misuse under test: its rejection must be caught and reported.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    emitter.on('grant.revoked', async () => {
      await Promise.resolve();
      throw new Error('async boom');
    });
    emitter.on('grant.revoked', (_ctx, grantId) => seen.push(grantId));
    const ctx = {
      requestId: 'r',
      method: 'POST',
      path: '/token',
      ip: '127.0.0.1',
      oidc: { route: 'token', params: {} },
    };
    emitter.emitSafely('grant.revoked', ctx, 'grant-1');
    await new Promise((resolveWait) => setImmediate(resolveWait));
    assert.deepEqual(seen, ['grant-1']);
    assert.deepEqual(reported, ['grant.revoked', 'grant.revoked']);
  });
});
