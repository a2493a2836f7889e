import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { eventually } from './cluster.ts';

/**
 * Nothing the node agent started outlives a test process that is killed outright (SIGKILL, no hook runs): the pods'
 * processes (and their own children), sandboxes, the control plane, and the agent's directory all go.
 */
function processesWith(needle: string, where: 'environ' | 'cmdline'): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(join('/proc', entry, where), 'latin1').includes(needle)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return found;
}

describe('node agent: no leftovers', () => {
  it('SIGKILL of the test process takes every pod process, sandbox and file with it', async () => {
    const marker = `leftover-${randomUUID()}`;
    const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures/agent-in-child.ts'), marker], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => {
          reject(new Error(`fixture exited with ${code}`));
        });
      });
      const { agentDir } = JSON.parse(line) as { agentDir: string };
      // Before: the container's main process and its forked child carry the marker; the sandbox and the node's proxy
      // name the directory.
      assert.ok(processesWith(marker, 'environ').length >= 2, 'pod processes are running');
      assert.ok(processesWith(agentDir, 'cmdline').length >= 2, 'the sandbox and the proxy are running');
      assert.ok(existsSync(agentDir));

      child.kill('SIGKILL');
      await eventually(
        'no pod process left',
        () => Promise.resolve(processesWith(marker, 'environ').length === 0 ? true : undefined),
        30_000,
      );
      await eventually(
        'no process of the agent left',
        () => Promise.resolve(processesWith(agentDir, 'cmdline').length === 0 ? true : undefined),
        30_000,
      );
      await eventually(
        'the agent directory removed',
        () => Promise.resolve(existsSync(agentDir) ? undefined : true),
        30_000,
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});
