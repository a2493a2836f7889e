/**
 * isListening tells the process holding a loopback listener apart from every other process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { freePort } from '../support/free-port.ts';
import { isListening } from '../support/listeners.ts';

describe('isListening', () => {
  it('is true for this process on a port it listens on, false once it closed it', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    assert.equal(isListening(process.pid, port), true);
    server.close();
    await once(server, 'close');
    assert.equal(isListening(process.pid, port), false);
  });

  it('is false for a process that does not own the listener, true for the one that does', async () => {
    const port = await freePort();
    const script = `require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log('up'))`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(child.stdout, 'data');
      assert.equal(isListening(child.pid!, port), true);
      assert.equal(isListening(process.pid, port), false);
    } finally {
      child.kill();
    }
  });
});
