import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { REDIS_IMAGE } from '../support/node-agent/node-agent.ts';
import { agentCluster, create, eventually, getPod, nodeScriptPod, waitReady } from './cluster.ts';

/**
 * Services on the node agent as kube-proxy and cluster DNS give them: a loopback proxy per Service port that spreads
 * connections over the ready endpoints of the Service's EndpointSlices, and the Service's names in every pod's
 * /etc/hosts. Without a controller-manager here, the test writes the EndpointSlices the endpointslice controller
 * would write from the pods' status.
 */
async function redisPing(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.trim());
      }
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('no reply')));
    socket.on('error', reject);
    socket.on('close', () => {
      reject(new Error(`closed after ${JSON.stringify(reply)}`));
    });
    socket.write('PING\r\n');
  });
}

describe('node agent: Services', () => {
  const cluster = agentCluster();

  /** The EndpointSlice the endpointslice controller writes for `service` from the pods' IPs and readiness. */
  async function publishEndpoints(service: string, port: { name: string; port: number }, podNames: string[]) {
    const endpoints = [];
    for (const name of podNames) {
      const pod = await getPod(cluster.cp, 'default', name);
      const ready = pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      endpoints.push({ addresses: [pod?.status?.podIP ?? ''], conditions: { ready } });
    }
    await create(cluster.cp, '/apis/discovery.k8s.io/v1beta1/namespaces/default/endpointslices', {
      metadata: { name: `${service}-slice`, labels: { 'kubernetes.io/service-name': service } },
      addressType: 'IPv4',
      endpoints,
      ports: [{ ...port, protocol: 'TCP' }],
    });
  }

  it('Redis (exec readiness probe) behind a Service: reached by name from another pod and from the host', async () => {
    await create(cluster.cp, '/api/v1/namespaces/default/pods', {
      metadata: { name: 'redis', labels: { app: 'redis' } },
      spec: {
        nodeName: cluster.node.nodeName,
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
        containers: [
          {
            name: 'redis',
            image: REDIS_IMAGE,
            args: ['--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
            ports: [{ name: 'redis', containerPort: 6379 }],
            readinessProbe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 1 },
            livenessProbe: { tcpSocket: { port: 'redis' }, periodSeconds: 5 },
            securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    });
    await create(cluster.cp, '/api/v1/namespaces/default/services', {
      metadata: { name: 'redis' },
      spec: { selector: { app: 'redis' }, ports: [{ name: 'redis', port: 6379, targetPort: 'redis' }] },
    });
    await waitReady(cluster.cp, 'default', 'redis');
    await publishEndpoints('redis', { name: 'redis', port: 6379 }, ['redis']);

    const address = await eventually('the Service address', () =>
      Promise.resolve(cluster.node.serviceAddress('default', 'redis')),
    );
    assert.equal(
      await eventually('PONG via the proxy', () => redisPing(address, 6379).catch(() => undefined)),
      '+PONG',
    );

    // Inside a pod, the Service names resolve through /etc/hosts and lead to the same Redis.
    await create(
      cluster.cp,
      '/api/v1/namespaces/default/pods',
      nodeScriptPod(
        'client',
        cluster.node.nodeName,
        `
        const net = require('node:net');
        const hosts = require('node:fs').readFileSync('/etc/hosts', 'utf8');
        const ping = (host) => new Promise((resolve) => {
          const s = net.connect(6379, host); let r = '';
          s.on('data', (d) => { r += d; if (r.includes('\\r\\n')) { s.destroy(); resolve(r.trim()); } });
          s.on('error', (e) => resolve('error ' + e.code)); s.write('PING\\r\\n');
        });
        (async () => {
          for (;;) {
            const replies = await Promise.all(['redis.default.svc', 'redis.default.svc.cluster.local', 'redis.default', 'redis'].map(ping));
            console.log(JSON.stringify({ replies, hostsHasRedis: hosts.includes('redis.default.svc') }));
            if (replies.every((r) => r === '+PONG')) break;
            await new Promise((w) => setTimeout(w, 500));
          }
        })();`,
        { restartPolicy: 'Never' },
      ),
    );
    await eventually('client Succeeded', async () =>
      (await getPod(cluster.cp, 'default', 'client'))?.status?.phase === 'Succeeded' ? true : undefined,
    );
    const last = cluster.node.logs('default', 'client', 'main').trim().split('\n').pop() ?? '';
    assert.deepEqual(JSON.parse(last), { replies: ['+PONG', '+PONG', '+PONG', '+PONG'], hostsHasRedis: true });
  });

  it("a pod's connection to a Service keeps flowing while the test process is blocked (the data plane is its own process)", async () => {
    // One long-lived connection, as a provider's Redis client keeps: a PING every 50 ms, each PONG logged with its time.
    await create(
      cluster.cp,
      '/api/v1/namespaces/default/pods',
      nodeScriptPod(
        'pinger',
        cluster.node.nodeName,
        `
        const s = require('node:net').connect(6379, 'redis.default.svc');
        s.on('data', (d) => { for (const _ of String(d).matchAll(/\\+PONG/g)) console.log('pong ' + Date.now()); });
        s.on('error', (e) => { console.log('error ' + e.code); process.exit(1); });
        s.on('connect', () => setInterval(() => s.write('PING\\r\\n'), 50));`,
      ),
    );
    const pongs = (): number[] =>
      cluster.node
        .logs('default', 'pinger', 'main')
        .split('\n')
        .filter((line) => line.startsWith('pong '))
        .map((line) => Number(line.slice('pong '.length)));
    await eventually('PONGs through the Service', () => Promise.resolve(pongs().length >= 5 ? true : undefined));

    // The test process's event loop does nothing for 3 s (as when a loaded machine deschedules it, or the agent's pod
    // syncs keep it busy); on a cluster the pod's traffic does not pass through the kubelet, nor here through the agent.
    const start = Date.now();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
    const end = Date.now();
    await eventually('PONGs after the block', () => Promise.resolve(pongs().some((t) => t > end) ? true : undefined));
    const during = pongs().filter((t) => t > start && t < end);
    assert.ok(during.length > 0, `PONGs while the test process was blocked for ${end - start} ms: none`);
  });

  it('round-robin over ready endpoints only', async () => {
    const echo = 'require("node:http").createServer((q, r) => r.end(process.env.HOSTNAME)).listen(8080)';
    const probe = {
      readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
      ports: [{ containerPort: 8080 }],
    };
    for (const name of ['web-a', 'web-b']) {
      const pod = nodeScriptPod(name, cluster.node.nodeName, echo, { container: probe });
      pod.metadata.labels = { app: 'web' };
      await create(cluster.cp, '/api/v1/namespaces/default/pods', pod);
    }
    // web-c never becomes ready: its endpoint is published as not ready and must get no traffic.
    const broken = nodeScriptPod('web-c', cluster.node.nodeName, 'setInterval(() => {}, 1000)', { container: probe });
    broken.metadata.labels = { app: 'web' };
    await create(cluster.cp, '/api/v1/namespaces/default/pods', broken);
    await create(cluster.cp, '/api/v1/namespaces/default/services', {
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    await waitReady(cluster.cp, 'default', 'web-a');
    await waitReady(cluster.cp, 'default', 'web-b');
    await eventually('web-c has an IP', async () => (await getPod(cluster.cp, 'default', 'web-c'))?.status?.podIP);
    await publishEndpoints('web', { name: 'http', port: 8080 }, ['web-a', 'web-b', 'web-c']);
    const address = await eventually('the Service address', () =>
      Promise.resolve(cluster.node.serviceAddress('default', 'web')),
    );
    await eventually(
      'the proxy answers',
      async () =>
        (await fetch(`http://${address}/`).then(
          (r) => r.ok,
          () => false,
        )) || undefined,
    );

    const answers: string[] = [];
    for (let i = 0; i < 6; i++)
      answers.push(await (await fetch(`http://${address}/`, { headers: { connection: 'close' } })).text());
    assert.deepEqual([...new Set(answers)].sort(), ['web-a', 'web-b']);
  });

  it('the `kubernetes` Service leads pods to the API server, which knows them by their projected token', async () => {
    const script = `
      const token = require('node:fs').readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/token', 'utf8');
      const url = 'https://' + process.env.KUBERNETES_SERVICE_HOST + ':' + process.env.KUBERNETES_SERVICE_PORT;
      fetch(url + '/api/v1/namespaces/default/secrets', { headers: { authorization: 'Bearer ' + token } })
        .then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.json(), links: {
          host: process.env.REDIS_SERVICE_HOST, port: process.env.REDIS_SERVICE_PORT_REDIS, url: process.env.REDIS_PORT } })))
        .catch((e) => console.log(JSON.stringify({ error: String(e.cause ?? e) })));`;
    await create(
      cluster.cp,
      '/api/v1/namespaces/default/pods',
      nodeScriptPod('in-cluster', cluster.node.nodeName, script, {
        restartPolicy: 'Never',
        volumes: [
          {
            name: 'api-access',
            projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] },
          },
        ],
        container: {
          // The test control plane's certificate is self-signed and not handed to pods here.
          env: [{ name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: '0' }],
          volumeMounts: [{ name: 'api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
        },
      }),
    );
    await eventually('in-cluster Succeeded', async () =>
      (await getPod(cluster.cp, 'default', 'in-cluster'))?.status?.phase === 'Succeeded' ? true : undefined,
    );
    const line = cluster.node.logs('default', 'in-cluster', 'main').trim().split('\n').pop() ?? '';
    const result = JSON.parse(line) as {
      status?: number;
      body?: { message?: string };
      links?: Record<string, string>;
    };
    // Service links, as a kubelet sets them, for the Redis Service the first test created in this namespace.
    const redis = cluster.node.serviceAddress('default', 'redis') ?? '';
    assert.deepEqual(result.links, { host: redis, port: '6379', url: `tcp://${redis}:6379` });
    // Authenticated as the pod's ServiceAccount (RBAC then denies it: it was granted nothing).
    assert.equal(result.status, 403, line);
    assert.match(result.body?.message ?? '', /system:serviceaccount:default:default/);
  });
});
