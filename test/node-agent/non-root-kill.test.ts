import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { callApi } from '../support/node-agent/kube-api.ts';
import { agentCluster, create, eventually, getPod, nodeScriptPod, waitReady } from './cluster.ts';

/**
 * A container that runs as non-root dies when the agent kills it. The kernel drops a process's parent-death signal
 * when it changes its user ids, so `unshare --kill-child` alone no longer reached a container that had switched to its
 * user: killing `unshare` (a forced delete, an ignored SIGTERM past the grace period, a failed liveness probe) left the
 * container running, still holding its ports in the pod's network (a restarted provider then failed with EADDRINUSE).
 */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(join('/proc', entry, 'environ'), 'latin1').includes(marker)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return found;
}

describe('node agent: killing a non-root container', () => {
  const cluster = agentCluster();

  const nonRootPod = (name: string, marker: string) =>
    nodeScriptPod(
      name,
      cluster.node.nodeName,
      // Ignores SIGTERM: only SIGKILL ends it.
      'process.on("SIGTERM", () => undefined); require("node:http").createServer((q, r) => r.end()).listen(8080);',
      {
        terminationGracePeriodSeconds: 1,
        securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 },
        container: {
          env: [{ name: 'KILL_MARKER', value: marker }],
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
        },
      },
    );

  for (const how of ['forced delete (grace 0)', 'delete, SIGTERM ignored past the grace period'] as const) {
    it(`${how}: no process of the container is left`, async () => {
      const marker = `kill-${randomUUID()}`;
      const name = how.startsWith('forced') ? 'forced' : 'graceful';
      await create(cluster.cp, '/api/v1/namespaces/default/pods', nonRootPod(name, marker));
      await waitReady(cluster.cp, 'default', name, true, cluster.node);
      assert.ok(processesWith(marker).length >= 1, 'the container runs');

      const query = how.startsWith('forced') ? '?gracePeriodSeconds=0' : '';
      await callApi(cluster.cp, 'DELETE', `/api/v1/namespaces/default/pods/${name}${query}`);
      await eventually('the pod gone', async () => ((await getPod(cluster.cp, 'default', name)) ? undefined : true));
      await eventually(
        'no process of the container left',
        () => Promise.resolve(processesWith(marker).length === 0 ? true : undefined),
        15_000,
      );
    });
  }
});
