import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { KUBEOIDC_IMAGE } from '../support/node-agent/node-agent.ts';
import { agentCluster, create, eventually, waitReady } from './cluster.ts';

/**
 * The kubeoidc image on the node agent: the compiled entry (built as the Dockerfile builds it) runs as the image's
 * non-root user on a read-only root filesystem, as the operator's Deployment asks, and serves through a Service.
 */
describe('node agent: the kubeoidc image', () => {
  const cluster = agentCluster();
  before(async () => {
    await cluster.node.pullImage(KUBEOIDC_IMAGE); // compiles the checkout, as `docker build` would
  });

  it('`provider` from the compiled entry becomes Ready and serves discovery through its Service', async () => {
    const issuer = 'https://kubeoidc.default.svc'; // https: plain http is for localhost only
    await create(cluster.cp, '/api/v1/namespaces/default/pods', {
      metadata: { name: 'kubeoidc', labels: { app: 'kubeoidc' } },
      spec: {
        nodeName: cluster.node.nodeName,
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true },
        containers: [
          {
            name: 'provider',
            image: KUBEOIDC_IMAGE,
            args: ['provider'],
            // Without a configuration file the provider keeps development keys under its working directory. The image
            // sets NODE_ENV=production, where a missing KUBEOIDC_CONFIG is a start error; a demo opts out explicitly.
            workingDir: '/tmp',
            env: [
              { name: 'NODE_ENV', value: 'development' },
              { name: 'KUBEOIDC_ISSUER', value: issuer },
              { name: 'KUBEOIDC_METRICS_PORT', value: '9464' },
            ],
            ports: [
              { name: 'http', containerPort: 3000 },
              { name: 'metrics', containerPort: 9464 },
            ],
            readinessProbe: { httpGet: { path: '/healthz/ready', port: 'http' }, periodSeconds: 1 },
            livenessProbe: { httpGet: { path: '/healthz/live', port: 'http' }, periodSeconds: 5 },
            securityContext: {
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    });
    const pod = await waitReady(cluster.cp, 'default', 'kubeoidc', true, cluster.node);
    const podIP = pod.status?.podIP ?? '';
    assert.match(await (await fetch(`http://${podIP}:9464/metrics`)).text(), /# TYPE /);

    // Through a Service (the EndpointSlice is what the endpointslice controller writes for this ready pod).
    await create(cluster.cp, '/api/v1/namespaces/default/services', {
      metadata: { name: 'kubeoidc' },
      spec: { selector: { app: 'kubeoidc' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    await create(cluster.cp, '/apis/discovery.k8s.io/v1beta1/namespaces/default/endpointslices', {
      metadata: { name: 'kubeoidc-slice', labels: { 'kubernetes.io/service-name': 'kubeoidc' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [podIP], conditions: { ready: true } }],
      ports: [{ name: 'http', port: 3000, protocol: 'TCP' }],
    });
    const address = await eventually('the Service address', () =>
      Promise.resolve(cluster.node.serviceAddress('default', 'kubeoidc')),
    );
    const discovery = await eventually('discovery through the Service', async () => {
      const response = await fetch(`http://${address}/.well-known/openid-configuration`);
      return response.ok ? ((await response.json()) as { issuer: string }) : undefined;
    });
    assert.equal(discovery.issuer, issuer);
  });
});
