/**
 * Installing the CRDs into a real API server: they become Established, their names, short names and category are
 * served, the status and scale subresources work, printer columns show the Ready condition, and the server fills in
 * the defaults the operator's types document.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OIDC_CLIENT, OIDC_CLIENT_DEFAULTS, OIDC_PROVIDER, OIDC_PROVIDER_DEFAULTS } from '../../operator/kube/crds.ts';
import type { OIDCClient, OIDCProvider } from '../../operator/kube/crds.ts';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { CRDS_DIR, crdFiles, installCrds, loadCrds } from '../support/crds.ts';
import { applyManifest, kubectl } from '../support/kubectl.ts';

interface CrdStatus {
  status: { conditions: { type: string; status: string }[]; acceptedNames: { shortNames?: string[] } };
}

describe('CRD installation (real kube-apiserver)', () => {
  let cp: ControlPlane | undefined;
  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
  });
  after(async () => {
    await cp?.stop();
  });

  it('every CRD in crds/ is Established with its names accepted', async () => {
    const crds = loadCrds();
    assert.deepEqual(crds.map((c) => c.metadata.name).sort(), [OIDC_CLIENT.crdName, OIDC_PROVIDER.crdName]);
    for (const crd of crds) {
      const live = JSON.parse(await kubectl(cp!, 'get', 'crd', crd.metadata.name, '-o', 'json')) as CrdStatus;
      const condition = (type: string): string | undefined =>
        live.status.conditions.find((c) => c.type === type)?.status;
      assert.equal(condition('Established'), 'True', crd.metadata.name);
      assert.equal(condition('NamesAccepted'), 'True', crd.metadata.name);
      assert.deepEqual(live.status.acceptedNames.shortNames, crd.spec.names.shortNames);
    }
  });

  it('the files in crds/ apply as they are with kubectl --validate=false, as on any cluster older than 1.25', async () => {
    // kubectl parses the files itself (YAML 1.1) here, unlike installCrds; its client-side validation has to be off
    // because a pre-1.25 server's OpenAPI does not know x-kubernetes-validations (the server then ignores them).
    for (const file of crdFiles()) {
      const out = await kubectl(cp!, 'apply', '--validate=false', '-f', join(CRDS_DIR, file));
      assert.match(out, /customresourcedefinition\.apiextensions\.k8s\.io\/\S+ (unchanged|configured|created)/);
    }
  });

  it('short names and the kubeoidc category list the resources', async () => {
    await applyManifest(cp!, [provider('names'), client('names')]);
    assert.match(
      await kubectl(cp!, 'get', OIDC_PROVIDER.shortName, '-o', 'name'),
      /^oidcprovider\.kubeoidc\.dev\/names$/m,
    );
    assert.match(await kubectl(cp!, 'get', OIDC_CLIENT.shortName, '-o', 'name'), /^oidcclient\.kubeoidc\.dev\/names$/m);
    const all = await kubectl(cp!, 'get', 'kubeoidc', '-o', 'name');
    assert.match(all, /^oidcprovider\.kubeoidc\.dev\/names$/m);
    assert.match(all, /^oidcclient\.kubeoidc\.dev\/names$/m);
  });

  it('the server fills in the defaults that OIDC_PROVIDER_DEFAULTS and OIDC_CLIENT_DEFAULTS document', async () => {
    await applyManifest(cp!, [provider('defaults'), client('defaults')]);
    const p = JSON.parse(await kubectl(cp!, 'get', 'oidcp', 'defaults', '-o', 'json')) as OIDCProvider;
    const d = OIDC_PROVIDER_DEFAULTS;
    assert.equal(p.spec.replicas, d.replicas);
    // No default for the image: the operator's own (the chart's image values) applies (provider-image.ts).
    assert.equal(p.spec.image, undefined);
    assert.equal(p.spec.imagePullPolicy, undefined);
    assert.equal(p.spec.redis.keyPrefix, d.redisKeyPrefix);
    assert.deepEqual(p.spec.ttl, d.ttl);
    assert.deepEqual(p.spec.features, d.features);
    assert.deepEqual(p.spec.signing, {
      algorithms: d.signingAlgorithms,
      rotationPeriod: d.rotationPeriod,
      propagationDelay: d.propagationDelay,
      retention: d.keyRetention,
    });
    assert.deepEqual(p.spec.service, { type: d.serviceType, port: d.servicePort });
    assert.deepEqual(p.spec.podDisruptionBudget, { enabled: d.podDisruptionBudgetEnabled });
    assert.equal(p.spec.logLevel, d.logLevel);
    assert.deepEqual(p.spec.metrics, { maxClientLabels: d.maxClientLabels });
    assert.equal(p.spec.ingress, undefined, 'optional objects without defaults stay absent');

    const c = JSON.parse(await kubectl(cp!, 'get', 'oidcc', 'defaults', '-o', 'json')) as OIDCClient;
    const cd = OIDC_CLIENT_DEFAULTS;
    assert.deepEqual(c.spec.grantTypes, cd.grantTypes);
    assert.equal(c.spec.responseTypes, undefined, 'no default: the provider derives it from grantTypes');
    assert.deepEqual(c.spec.scopes, cd.scopes);
    assert.equal(c.spec.tokenEndpointAuthMethod, cd.tokenEndpointAuthMethod);
    assert.equal(c.spec.accessTokenFormat, cd.accessTokenFormat);
    assert.equal(c.spec.deletionPolicy, cd.deletionPolicy);
    assert.deepEqual(c.spec.secret, {
      clientIdKey: cd.clientIdKey,
      clientSecretKey: cd.clientSecretKey,
      issuerUrlKey: cd.issuerUrlKey,
      discoveryUrlKey: cd.discoveryUrlKey,
    });
  });

  it('kubectl scale sets spec.replicas and the scale subresource reports status replicas and selector', async () => {
    await applyManifest(cp!, provider('scaled'));
    await kubectl(cp!, 'scale', 'oidcp/scaled', '--replicas=5');
    const p = JSON.parse(await kubectl(cp!, 'get', 'oidcp', 'scaled', '-o', 'json')) as OIDCProvider;
    assert.equal(p.spec.replicas, 5);

    const status = { replicas: 4, readyReplicas: 3, selector: 'app.kubernetes.io/instance=scaled' };
    await kubectl(
      cp!,
      'patch',
      'oidcp/scaled',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status }),
    );
    const scale = JSON.parse(
      await kubectl(cp!, 'get', '--raw', '/apis/kubeoidc.dev/v1alpha1/namespaces/default/oidcproviders/scaled/scale'),
    ) as { spec: { replicas: number }; status: { replicas: number; selector: string } };
    assert.deepEqual(scale.spec, { replicas: 5 });
    assert.deepEqual(scale.status, { replicas: 4, selector: status.selector });
  });

  it('status is a subresource: writes to the main resource do not change it, and printer columns show it', async () => {
    const withStatus = { ...provider('columns'), status: { readyReplicas: 9 } };
    await applyManifest(cp!, withStatus);
    const created = JSON.parse(await kubectl(cp!, 'get', 'oidcp', 'columns', '-o', 'json')) as OIDCProvider;
    assert.equal(created.status, undefined, 'status sent with the object is dropped');

    const condition = {
      type: 'Ready',
      status: 'False',
      reason: 'RedisUnreachable',
      message: 'dial tcp: connection refused',
      lastTransitionTime: '2026-01-01T00:00:00Z',
      observedGeneration: 1,
    };
    await kubectl(
      cp!,
      'patch',
      'oidcp/columns',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { conditions: [condition], readyReplicas: 1 } }),
    );
    const table = await kubectl(cp!, 'get', 'oidcp', 'columns');
    assert.match(table, /^NAME\s+READY\s+REPLICAS\s+AVAILABLE\s+ISSUER\s+AGE$/m);
    assert.match(table, /^columns\s+False\s+2\s+1\s+https:\/\/columns\.example\.com\s+\S+$/m);
    const wide = await kubectl(cp!, 'get', 'oidcp', 'columns', '-o', 'wide');
    assert.match(wide, /REASON\s+MESSAGE/);
    assert.match(wide, /RedisUnreachable\s+dial tcp: connection refused/);
  });

  it('an invalid status condition is rejected (status is validated too)', async () => {
    await applyManifest(cp!, provider('badstatus'));
    const bad = {
      conditions: [{ type: 'Ready', status: 'Maybe', reason: 'X', message: '', lastTransitionTime: 'now' }],
    };
    await assert.rejects(
      kubectl(
        cp!,
        'patch',
        'oidcp/badstatus',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({ status: bad }),
      ),
      /Unsupported value: "Maybe"/,
    );
  });
});

function provider(name: string): object {
  return {
    apiVersion: 'kubeoidc.dev/v1alpha1',
    kind: 'OIDCProvider',
    metadata: { name, namespace: 'default' },
    spec: { issuer: `https://${name}.example.com`, redis: { url: 'redis://redis:6379' } },
  };
}

function client(name: string): object {
  return {
    apiVersion: 'kubeoidc.dev/v1alpha1',
    kind: 'OIDCClient',
    metadata: { name, namespace: 'default' },
    spec: { providerRef: { name }, redirectUris: ['https://app.example.com/callback'] },
  };
}
