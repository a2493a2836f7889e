/**
 * A Secret the OIDCProvider references (here `spec.redis.secretRef`, the Redis URL with its password) is read by the
 * pods only at start, so rotating it must roll them: the running operator watches it and the Deployment's pod template
 * carries a keyed digest of the referenced value. Real API server, operator in-process.
 */
// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import type { KubeClient } from '../../operator/kube/client.ts';
import { getObject } from '../../operator/kube/resources.ts';
import { startOperator, type RunningOperator } from '../../operator/operator.ts';
import { CONFIG_CHECKSUM_ANNOTATION, SECRETS_CHECKSUM_ANNOTATION } from '../../operator/providers/render/meta.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { applyManifest } from '../support/kubectl.ts';
import { asApplied, oidcProvider, withSpec } from './fixtures.ts';
import { eventually, testLog, testOperatorOptions } from './support.ts';

const ns = 'default';
const redisSecret = (url: string, other = 'unchanged') => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'redis-credentials', namespace: ns },
  stringData: { url, unrelated: other },
});

describe('Secrets an OIDCProvider references roll its pods', { timeout: 180_000 }, () => {
  let cp: ControlPlane | undefined;
  let operator: RunningOperator | undefined;
  let client: KubeClient;
  const log = testLog();

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
    operator = await startOperator(testOperatorOptions(cp.kubeConfig(), 'secrets-test', log));
    client = operator.client;
  });
  after(async () => {
    await operator?.stop();
    await cp?.stop();
  });

  const annotations = async () =>
    (await getObject<V1Deployment>(client, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'cache' }))
      ?.spec?.template.metadata?.annotations;

  const reconciles = async () => {
    const text = await (await fetch(`http://127.0.0.1:${operator!.healthPort}/metrics`)).text();
    return Number(
      /kubeoidc_operator_reconcile_total\{kind="OIDCProvider",result="success"\} (\d+)/.exec(text)?.[1] ?? 0,
    );
  };

  it('changes the pod template checksum when the referenced Secret key changes, and only then', async () => {
    await applyManifest(cp!, redisSecret('redis://:first-password@redis:6379'));
    await applyManifest(
      cp!,
      oidcProvider('cache', asApplied, withSpec({ redis: { secretRef: { name: 'redis-credentials', key: 'url' } } })),
    );
    const first = await eventually('Deployment with a secrets checksum', async () => {
      const value = (await annotations())?.[SECRETS_CHECKSUM_ANNOTATION];
      return value === undefined ? undefined : value;
    });
    assert.match(first, /^[0-9a-f]{64}$/);
    const config = (await annotations())?.[CONFIG_CHECKSUM_ANNOTATION];

    // Another key of the same Secret is not read by the pods: the Secret change reconciles the provider, no roll.
    const count = await reconciles();
    await applyManifest(cp!, redisSecret('redis://:first-password@redis:6379', 'changed'));
    await eventually('a reconcile caused by the Secret', async () => (await reconciles()) > count);
    assert.equal((await annotations())?.[SECRETS_CHECKSUM_ANNOTATION], first);

    // The password rotates: only the Secret changes, the OIDCProvider is not touched.
    await applyManifest(cp!, redisSecret('redis://:second-password@redis:6379'));
    const second = await eventually('a new secrets checksum', async () => {
      const value = (await annotations())?.[SECRETS_CHECKSUM_ANNOTATION];
      return value !== first ? value : undefined;
    });
    assert.match(second ?? '', /^[0-9a-f]{64}$/);
    assert.equal((await annotations())?.[CONFIG_CHECKSUM_ANNOTATION], config, 'the configuration did not change');
    // The digest is keyed: it is not the plain SHA-256 of the value (someone reading the Deployment cannot test guesses).
    const plain = createHash('sha256').update('redis://:second-password@redis:6379').digest('hex');
    assert.notEqual(second, plain);
    assert.deepEqual(log.errors, []);
  });
});
