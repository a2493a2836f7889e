/**
 * Settings of `npm run operator` (operator/main.ts against a kubeconfig, as a developer runs it outside the cluster):
 * - KUBEOIDC_OPERATOR_PROVIDER_URL_TEMPLATE: a provider's Service name does not resolve here, so without it the
 *   operator could not register an OIDCClient; with the template pointing at the provider's real address, the client
 *   is registered and its credentials work. A malformed template stops the operator at start, naming the setting.
 * - KUBEOIDC_OPERATOR_PROVIDER_IMAGE(_PULL_POLICY): provider pods run the operator's image unless the OIDCProvider
 *   names its own.
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { V1ConfigMap, V1Deployment, V1Secret } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { kubeClient, type KubeClient } from '../../operator/kube/client.ts';
import type { OIDCClient } from '../../operator/kube/crds.ts';
import { getObject } from '../../operator/kube/resources.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { freePort } from '../support/free-port.ts';
import { applyManifest } from '../support/kubectl.ts';
import { startTestProvider, type TestProvider } from '../support/provider.ts';
import { eventually } from './support.ts';
import { reportProviderReady } from './clients/deployment-ready.ts';

const mainTs = new URL('../../operator/main.ts', import.meta.url).pathname;
const ns = 'default';
const ref = (kind: string, name: string, apiVersion = 'v1') => ({ apiVersion, kind, namespace: ns, name });

/** Runs operator/main.ts with the control plane's kubeconfig and `env`; its output is collected. */
function runOperator(
  cp: ControlPlane,
  healthPort: number,
  env: Record<string, string>,
): { child: ChildProcess; output: string[] } {
  const child = spawn(process.execPath, [mainTs], {
    env: {
      PATH: process.env['PATH'],
      KUBECONFIG: cp.kubeconfigPath,
      POD_NAME: 'laptop',
      POD_NAMESPACE: ns,
      KUBEOIDC_OPERATOR_HEALTH_PORT: String(healthPort),
      KUBEOIDC_RETRY_PERIOD: '500ms',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { child, output };
}

describe('operator/main.ts outside the cluster', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let operator: ChildProcess | undefined;
  let provider: TestProvider | undefined;
  let kube: KubeClient;

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
    kube = kubeClient(cp.kubeConfig());
  });
  after(async () => {
    if (operator !== undefined && operator.exitCode === null) {
      operator.kill('SIGKILL');
      await once(operator, 'exit');
    }
    await provider?.stop();
    await cp?.stop();
  });

  it('stops at start, naming the setting, when the template is malformed', async () => {
    const run = runOperator(cp!, await freePort(), { KUBEOIDC_OPERATOR_PROVIDER_URL_TEMPLATE: 'http://{host}' });
    const [code] = (await once(run.child, 'exit')) as [number | null];
    assert.equal(code, 1);
    assert.match(run.output.join(''), /KUBEOIDC_OPERATOR_PROVIDER_URL_TEMPLATE: unknown placeholder \{host\}/);
  });

  it('registers an OIDCClient at the address the template gives, and the credentials work there', async () => {
    // The provider's Service port is the port it really listens on, so `{port}` in the template finds it.
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const run = runOperator(cp!, await freePort(), {
      KUBEOIDC_OPERATOR_PROVIDER_URL_TEMPLATE: 'http://127.0.0.1:{port}',
      KUBEOIDC_OPERATOR_PROVIDER_IMAGE: 'registry.example.com/kubeoidc:dev',
      KUBEOIDC_OPERATOR_PROVIDER_IMAGE_PULL_POLICY: 'Never',
    });
    operator = run.child;
    await applyManifest(cp!, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCProvider',
      metadata: { name: 'idp', namespace: ns },
      spec: { issuer, redis: { url: 'redis://redis:6379' }, service: { port } },
    });
    const configMap = await eventually(
      'the provider ConfigMap',
      () => getObject<V1ConfigMap>(kube, ref('ConfigMap', 'idp-config')),
      60_000,
    );
    const config = parse(configMap.data?.['config.yaml'] ?? '') as { features: { registration: unknown } };
    provider = await startTestProvider({ port, issuer, features: { registration: config.features.registration } });
    // Registration waits for the provider's Ready; with no deployment controller here, the test reports the rollout.
    await reportProviderReady(kube, ns, 'idp');

    await applyManifest(cp!, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCClient',
      metadata: { name: 'app', namespace: ns },
      spec: { providerRef: { name: 'idp' }, grantTypes: ['client_credentials'], responseTypes: [] },
    });
    const client = await eventually(
      'OIDCClient app Ready',
      async () => {
        const found = await getObject<OIDCClient>(kube, ref('OIDCClient', 'app', 'kubeoidc.dev/v1alpha1'));
        return found?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' && found;
      },
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\noperator output:\n${run.output.join('').slice(-3000)}`);
    });
    const secret = await getObject<V1Secret>(kube, ref('Secret', client.status?.secretName ?? 'app'));
    const data = (key: string): string => Buffer.from(secret?.data?.[key] ?? '', 'base64').toString();
    assert.equal(data('ISSUER_URL'), issuer);
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${data('CLIENT_ID')}:${data('CLIENT_SECRET')}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(response.status, 200);
  });

  it("runs provider pods on the operator's image unless the OIDCProvider names its own", async () => {
    await applyManifest(cp!, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCProvider',
      metadata: { name: 'pinned', namespace: ns },
      spec: { issuer: 'https://pinned.example.com', redis: { url: 'redis://redis:6379' }, image: 'other.example/k:9' },
    });
    const container = async (name: string) =>
      (await getObject<V1Deployment>(kube, ref('Deployment', name, 'apps/v1')))?.spec?.template.spec?.containers[0];
    const own = await eventually('Deployment pinned', () => container('pinned'), 60_000);
    assert.equal(own.image, 'other.example/k:9');
    assert.equal(own.imagePullPolicy, 'IfNotPresent');
    const operators = await eventually('Deployment idp', () => container('idp'), 60_000);
    assert.equal(operators.image, 'registry.example.com/kubeoidc:dev');
    assert.equal(operators.imagePullPolicy, 'Never');
  });
});
