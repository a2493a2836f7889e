/**
 * The pod sandbox (the kubelet's "pause" container): runs inside the pod's own network namespace, where `lo` is up and
 * `127.0.0.1` is the pod's alone, and connects that namespace to the host's loopback network:
 * - inbound: the agent connects to `<podDir>/in.sock` and sends `PORT\n`; the sandbox connects to the pod's address on
 *   that port inside the namespace and answers an empty line once connected, or closes when refused (probes, Service
 *   proxies and tests reach the pod this way);
 * - outbound: it listens inside the namespace on every Service address and port listed in `<podDir>/services.json`
 *   (rewritten by the agent as Services come and go; ports the pod declares itself are left out, as listening on them
 *   would take them from the pod) and forwards each connection to the agent's `out.sock` with the
 *   header `ADDRESS PORT\n`, and the agent connects to that Service's proxy on the host.
 *
 * Usage: `node sandbox-main.ts <podDir> <podIP> <agentOutSocket>` (the agent starts it under `unshare --net`).
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { readHeader, splice } from './stream-header.ts';

const args = process.argv.slice(2);
if (args.length !== 3) {
  console.error('usage: sandbox-main.ts <podDir> <podIP> <agentOutSocket>');
  process.exit(2);
}
const [podDir, podIP, outSocket] = args as [string, string, string];

const inbound = createServer((socket) => {
  readHeader(socket).then(
    (header) => {
      const port = Number(header);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) {
        socket.destroy();
        return;
      }
      // Refused here means refused to the caller: the connection closes without a byte.
      const target = connect(port, podIP);
      target.once('connect', () => {
        socket.write('\n'); // the empty header line: connected
        splice(socket, target);
      });
      target.once('error', () => {
        socket.destroy();
      });
    },
    () => undefined,
  );
});
const inPath = join(podDir, 'in.sock');
rmSync(inPath, { force: true });
inbound.listen(inPath);

const listeners = new Map<string, Server>();
function syncServiceListeners(wanted: readonly { address: string; port: number }[]): void {
  const keys = new Set(wanted.map(({ address, port }) => `${address} ${port}`));
  for (const [key, server] of listeners) {
    if (!keys.has(key)) {
      server.close();
      listeners.delete(key);
    }
  }
  for (const key of keys) {
    if (listeners.has(key)) continue;
    const [address = '', port = ''] = key.split(' ');
    const server = createServer((socket) => {
      const upstream = connect(outSocket);
      upstream.write(`${key}\n`);
      splice(socket, upstream);
    });
    server.on('error', (error) => {
      console.error(`sandbox: cannot listen on ${address}:${port}: ${error.message}`);
    });
    server.listen(Number(port), address);
    listeners.set(key, server);
  }
}

const servicesPath = join(podDir, 'services.json');
let seen = -1;
setInterval(() => {
  try {
    const mtime = statSync(servicesPath).mtimeMs;
    if (mtime === seen) return;
    seen = mtime;
    syncServiceListeners(JSON.parse(readFileSync(servicesPath, 'utf8')) as { address: string; port: number }[]);
  } catch {
    // not written yet, or being rewritten: next tick
  }
}, 250);
