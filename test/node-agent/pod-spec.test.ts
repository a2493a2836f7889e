import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { callApi } from '../support/node-agent/kube-api.ts';
import { agentCluster, create, eventually, getPod, nodeScriptPod, waitReady } from './cluster.ts';

/**
 * A pod's spec reaches its process as on a kubelet: env from values, Secrets, ConfigMaps and pod fields; envFrom with
 * a prefix; ConfigMap, Secret (items, modes), projected ServiceAccount token and emptyDir volumes at exactly their mount
 * paths; the user and groups; a read-only root filesystem; and its readiness probe drives the Pod's Ready condition.
 */
const REPORTER = `
const fs = require('node:fs'), http = require('node:http');
const mode = (p) => (fs.statSync(p).mode & 0o777).toString(8);
let ready = true;
const report = () => {
  let rootWritable = true;
  try { fs.writeFileSync('/root-write-test', 'x'); } catch { rootWritable = false; }
  fs.writeFileSync('/scratch/written', 'ok');
  return {
    env: { FROM_VALUE: process.env.FROM_VALUE, FROM_SECRET: process.env.FROM_SECRET, FROM_CONFIGMAP: process.env.FROM_CONFIGMAP,
      POD_NAME: process.env.POD_NAME, POD_NAMESPACE: process.env.POD_NAMESPACE, POD_IP: process.env.POD_IP,
      CFG_level: process.env.CFG_level, EXPANDED: process.env.EXPANDED, KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST },
    config: fs.readFileSync('/etc/app/config/app.yaml', 'utf8'),
    configFiles: fs.readdirSync('/etc/app/config').sort(),
    secretFiles: fs.readdirSync('/etc/app/secret').sort(),
    secret: fs.readFileSync('/etc/app/secret/nested/pw', 'utf8'),
    secretMode: mode('/etc/app/secret/nested/pw'),
    tokenParts: fs.readFileSync('/var/run/secrets/tokens/api-token', 'utf8').split('.').length,
    namespaceFile: fs.readFileSync('/var/run/secrets/tokens/namespace', 'utf8'),
    scratch: fs.readFileSync('/scratch/written', 'utf8'),
    uid: process.getuid(), gid: process.getgid(), groups: process.getgroups().sort(),
    rootWritable, cwd: process.cwd(),
  };
};
http.createServer((req, res) => {
  if (req.url === '/ready') { res.statusCode = ready ? 200 : 503; res.end(); return; }
  if (req.url === '/toggle') { ready = !ready; res.end(String(ready)); return; }
  try {
    const body = JSON.stringify(report());
    res.setHeader('content-type', 'application/json');
    res.end(body);
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
}).listen(8080);
`;

describe('node agent: a pod spec becomes a process', () => {
  const cluster = agentCluster();
  before(async () => {
    await create(cluster.cp, '/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'app-config' },
      data: { 'app.yaml': 'issuer: https://id.example\n', level: 'debug' },
    });
    await create(cluster.cp, '/api/v1/namespaces/default/secrets', {
      metadata: { name: 'app-secret' },
      stringData: { password: 's3cret', unused: 'not mounted' },
    });
  });

  it('env, envFrom, volumes at their mount paths, user and read-only root; readiness drives Ready', async () => {
    const pod = nodeScriptPod('reporter', cluster.node.nodeName, REPORTER, {
      securityContext: { runAsUser: 10001, runAsGroup: 10002, fsGroup: 10003, runAsNonRoot: true },
      volumes: [
        { name: 'config', configMap: { name: 'app-config', items: [{ key: 'app.yaml', path: 'app.yaml' }] } },
        {
          name: 'secret',
          secret: {
            secretName: 'app-secret',
            defaultMode: 0o440,
            items: [{ key: 'password', path: 'nested/pw', mode: 0o400 }],
          },
        },
        {
          name: 'tokens',
          projected: {
            sources: [
              { serviceAccountToken: { path: 'api-token', audience: 'kubeoidc-test', expirationSeconds: 3600 } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
        { name: 'scratch', emptyDir: {} },
      ],
      container: {
        workingDir: '/scratch',
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
        securityContext: {
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        },
        envFrom: [{ configMapRef: { name: 'app-config' }, prefix: 'CFG_' }],
        env: [
          { name: 'FROM_VALUE', value: 'plain' },
          { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } },
          { name: 'FROM_CONFIGMAP', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'level' } } },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'EXPANDED', value: 'level=$(FROM_CONFIGMAP)' },
        ],
        volumeMounts: [
          { name: 'config', mountPath: '/etc/app/config', readOnly: true },
          { name: 'secret', mountPath: '/etc/app/secret', readOnly: true },
          { name: 'tokens', mountPath: '/var/run/secrets/tokens', readOnly: true },
          { name: 'scratch', mountPath: '/scratch' },
        ],
      },
    });
    await create(cluster.cp, '/api/v1/namespaces/default/pods', pod);
    const running = await waitReady(cluster.cp, 'default', 'reporter');
    const podIP = running.status?.podIP ?? '';
    assert.match(podIP, /^127\.\d+\.\d+\.\d+$/);
    assert.equal(cluster.node.podIP('default', 'reporter'), podIP);
    assert.equal(running.status?.phase, 'Running');
    assert.equal(running.status.containerStatuses?.[0]?.ready, true);

    const response = await fetch(`http://${podIP}:8080/`);
    const text = await response.text();
    assert.equal(response.status, 200, text);
    const report = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(report['env'], {
      FROM_VALUE: 'plain',
      FROM_SECRET: 's3cret',
      FROM_CONFIGMAP: 'debug',
      POD_NAME: 'reporter',
      POD_NAMESPACE: 'default',
      POD_IP: podIP,
      CFG_level: 'debug', // envFrom: prefix + key
      EXPANDED: 'level=debug',
      KUBERNETES_SERVICE_HOST: 'kubernetes.default.svc',
    });
    assert.equal(report['config'], 'issuer: https://id.example\n');
    assert.deepEqual(report['configFiles'], ['app.yaml']); // items: only the listed key
    assert.deepEqual(report['secretFiles'], ['nested']);
    assert.equal(report['secret'], 's3cret');
    assert.equal(report['secretMode'], '440'); // mode 0400, plus group read for the fsGroup (kubelet rule)
    assert.equal(report['tokenParts'], 3); // a JWT from the TokenRequest API
    assert.equal(report['namespaceFile'], 'default');
    assert.equal(report['scratch'], 'ok');
    assert.equal(report['uid'], 10001);
    assert.equal(report['gid'], 10002);
    assert.deepEqual(report['groups'], [10002, 10003]); // Node.js lists the primary group too; fsGroup is supplementary
    assert.equal(report['rootWritable'], false);
    assert.equal(report['cwd'], '/scratch');

    // The readiness probe fails from now on: the Pod turns not Ready, and Ready again when it passes.
    await fetch(`http://${podIP}:8080/toggle`);
    const notReady = await waitReady(cluster.cp, 'default', 'reporter', false);
    assert.equal(notReady.status?.containerStatuses?.[0]?.ready, false);
    assert.equal(notReady.status.phase, 'Running');
    await fetch(`http://${podIP}:8080/toggle`);
    await waitReady(cluster.cp, 'default', 'reporter', true);
  });

  it('refuses to run a runAsNonRoot container as root, and says so in the status', async () => {
    await create(
      cluster.cp,
      '/api/v1/namespaces/default/pods',
      nodeScriptPod('as-root', cluster.node.nodeName, 'setInterval(() => {}, 1000)', {
        securityContext: { runAsNonRoot: true },
      }),
    );
    const waiting = await eventually('CreateContainerConfigError', async () => {
      const pod = await getPod(cluster.cp, 'default', 'as-root');
      const state = pod?.status?.containerStatuses?.[0]?.state?.waiting;
      return state?.reason === 'CreateContainerConfigError' ? state : undefined;
    });
    assert.match(waiting.message ?? '', /runAsNonRoot/);
    await callApi(cluster.cp, 'DELETE', '/api/v1/namespaces/default/pods/as-root');
  });

  it('an image outside the map is ErrImagePull', async () => {
    await create(
      cluster.cp,
      '/api/v1/namespaces/default/pods',
      nodeScriptPod('unknown-image', cluster.node.nodeName, '', { container: { image: 'example.com/nothing:1' } }),
    );
    await eventually('ErrImagePull', async () => {
      const pod = await getPod(cluster.cp, 'default', 'unknown-image');
      return pod?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull' ? true : undefined;
    });
  });
});
