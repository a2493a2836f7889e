import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { callApi } from '../support/node-agent/kube-api.ts';
import { agentCluster, create, eventually, getPod, nodeScriptPod, waitReady } from './cluster.ts';

/**
 * A pod's life on the node agent as on a kubelet: restarts per restartPolicy after a crash or a failing liveness
 * probe, phases Succeeded / Failed when nothing restarts, and graceful deletion (SIGTERM, then SIGKILL after the
 * grace period) before the Pod object goes away; container logs stay readable for diagnostics.
 */
describe('node agent: pod lifecycle', () => {
  const pods = '/api/v1/namespaces/default/pods';
  const cluster = agentCluster({ restartBackoff: { initialMs: 200, maxMs: 1000 } });

  it('restartPolicy Always restarts a crashing container; the status counts restarts and keeps the last exit', async () => {
    await create(
      cluster.cp,
      pods,
      nodeScriptPod('crasher', cluster.node.nodeName, 'console.log("run"); setTimeout(() => process.exit(3), 300)'),
    );
    const pod = await eventually('two restarts', async () => {
      const current = await getPod(cluster.cp, 'default', 'crasher');
      return (current?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? current : undefined;
    });
    const status = pod.status?.containerStatuses?.[0];
    assert.equal(status?.lastState?.terminated?.exitCode, 3);
    assert.ok((cluster.node.logs('default', 'crasher', 'main').match(/^run$/gm) ?? []).length >= 2);
  });

  it('restartPolicy Never: exit 0 is Succeeded, exit 1 is Failed; OnFailure restarts only a failure', async () => {
    await create(
      cluster.cp,
      pods,
      nodeScriptPod('ok-once', cluster.node.nodeName, 'process.exit(0)', { restartPolicy: 'Never' }),
    );
    await create(
      cluster.cp,
      pods,
      nodeScriptPod('fail-once', cluster.node.nodeName, 'process.exit(1)', { restartPolicy: 'Never' }),
    );
    await create(
      cluster.cp,
      pods,
      nodeScriptPod(
        'fail-then-ok',
        cluster.node.nodeName,
        `
        const fs = require('node:fs');
        if (!fs.existsSync('/state/failed')) { fs.writeFileSync('/state/failed', ''); process.exit(2); }
        process.exit(0);`,
        {
          restartPolicy: 'OnFailure',
          volumes: [{ name: 'state', emptyDir: {} }],
          container: { volumeMounts: [{ name: 'state', mountPath: '/state' }] },
        },
      ),
    );
    const phase = (name: string, expected: string) =>
      eventually(`${name} ${expected}`, async () =>
        (await getPod(cluster.cp, 'default', name))?.status?.phase === expected ? true : undefined,
      );
    await phase('ok-once', 'Succeeded');
    await phase('fail-once', 'Failed');
    await phase('fail-then-ok', 'Succeeded');
    const failed = await getPod(cluster.cp, 'default', 'fail-once');
    const failedStatus = failed?.status?.containerStatuses?.[0];
    assert.equal(failedStatus?.state?.terminated?.exitCode, 1);
    assert.equal(failedStatus.restartCount, 0);
    const recovered = await getPod(cluster.cp, 'default', 'fail-then-ok');
    assert.equal(recovered?.status?.containerStatuses?.[0]?.restartCount, 1);
  });

  it('a container port another process holds on every address keeps the pod from running, saying why', async () => {
    // What a stray process on this machine does (a leftover server on 0.0.0.0): were the pod started anyway,
    // connections to the pod's address would reach that process instead.
    const squatter = createServer((socket) => socket.end('not the pod\n'));
    await new Promise<void>((resolve) => squatter.listen(0, '0.0.0.0', resolve));
    const { port } = squatter.address() as AddressInfo;
    try {
      await create(
        cluster.cp,
        pods,
        nodeScriptPod(
          'squatted',
          cluster.node.nodeName,
          `require('node:net').createServer((s) => s.end('pod\\n')).listen(${port})`,
          {
            container: { ports: [{ containerPort: port }] },
          },
        ),
      );
      const waiting = await eventually('the pod waiting, naming the port', async () => {
        const state = (await getPod(cluster.cp, 'default', 'squatted'))?.status?.containerStatuses?.[0]?.state;
        return state?.waiting?.message?.includes(`:${port} (EADDRINUSE`) ? state : undefined;
      });
      assert.equal(waiting.running, undefined);
      assert.equal(waiting.waiting?.reason, 'ContainerCreating');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    // Once the port is free the agent listens and the container starts.
    await eventually('running once the port is free', async () =>
      (await getPod(cluster.cp, 'default', 'squatted'))?.status?.containerStatuses?.[0]?.state?.running
        ? true
        : undefined,
    );
  });

  it('a failing liveness probe (tcpSocket) restarts the container', async () => {
    await create(
      cluster.cp,
      pods,
      nodeScriptPod('not-alive', cluster.node.nodeName, 'setInterval(() => {}, 1000)', {
        container: { livenessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1, failureThreshold: 2 } },
      }),
    );
    const pod = await eventually('a liveness restart', async () => {
      const current = await getPod(cluster.cp, 'default', 'not-alive');
      return (current?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? current : undefined;
    });
    assert.equal(pod.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 137);
  });

  it('delete: SIGTERM first; a process that ignores it is killed after the grace period; then the Pod is gone', async () => {
    await create(
      cluster.cp,
      pods,
      nodeScriptPod(
        'graceful',
        cluster.node.nodeName,
        `
        require('node:http').createServer((q, r) => r.end()).listen(8080);
        process.on('SIGTERM', () => { console.log('got SIGTERM'); setTimeout(() => process.exit(0), 300); });`,
        {
          container: { readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } },
        },
      ),
    );
    await create(
      cluster.cp,
      pods,
      nodeScriptPod(
        'stubborn',
        cluster.node.nodeName,
        `
        require('node:http').createServer((q, r) => r.end()).listen(8080);
        process.on('SIGTERM', () => console.log('ignoring SIGTERM'));`,
        {
          terminationGracePeriodSeconds: 2,
          container: { readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } },
        },
      ),
    );
    await waitReady(cluster.cp, 'default', 'graceful');
    await waitReady(cluster.cp, 'default', 'stubborn');

    const started = Date.now();
    await callApi(cluster.cp, 'DELETE', `${pods}/graceful`);
    await callApi(cluster.cp, 'DELETE', `${pods}/stubborn`);
    await eventually('graceful gone', async () =>
      (await getPod(cluster.cp, 'default', 'graceful')) === undefined ? true : undefined,
    );
    await eventually('stubborn gone', async () =>
      (await getPod(cluster.cp, 'default', 'stubborn')) === undefined ? true : undefined,
    );
    assert.match(cluster.node.logs('default', 'graceful', 'main'), /got SIGTERM/);
    assert.match(cluster.node.logs('default', 'stubborn', 'main'), /ignoring SIGTERM/);
    // The stubborn one lived out its 2 s grace period (a lower bound only: no upper bound on a loaded machine).
    assert.ok(Date.now() - started >= 2000);
  });
});
