// Objects read back from the API server may lack what their declared types call required: tests chain optionally.
/* eslint-disable @typescript-eslint/no-unnecessary-condition */
// client-node's models are classes only to carry type metadata; the API takes and returns plain JSON objects.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1Ingress,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import { keyFileProblem, type KeyFile } from '../../../provider/keys/key-file.ts';
import { validateConfig } from '../../../provider/config/validate.ts';
import { renderProvider, type ServerCapabilities } from '../../../operator/providers/render/index.ts';
import { CONFIG_CHECKSUM_ANNOTATION } from '../../../operator/providers/render/meta.ts';
import { specProblems } from '../../../operator/providers/spec-problems.ts';
import { oidcProvider, withSpec } from '../fixtures.ts';
import { sampleProvider } from '../support.ts';

const keyFile: KeyFile = {
  keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', kid: 'k1', alg: 'ES256', use: 'sig' }],
  active: ['k1'],
  cookieKeys: [Buffer.alloc(32, 1).toString('base64url')],
};
const old: ServerCapabilities = {
  podDisruptionBudgetVersion: 'policy/v1beta1',
  horizontalPodAutoscalerVersion: 'autoscaling/v2beta2',
  serviceMonitor: false,
};
const current: ServerCapabilities = {
  podDisruptionBudgetVersion: 'policy/v1',
  horizontalPodAutoscalerVersion: 'autoscaling/v2',
  serviceMonitor: true,
};

const render = (provider = oidcProvider('idp'), server = old) =>
  renderProvider(provider, { file: keyFile, annotations: { 'kubeoidc.dev/key-rotation': '{}' } }, server);
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the kind it expects
const find = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string): T => {
  const object = objects.find((o) => o.kind === kind);
  assert.ok(object, `no ${kind} rendered`);
  return object as T;
};
const deploymentOf = (provider = oidcProvider('idp')) => find<V1Deployment>(render(provider).objects, 'Deployment');
const configOf = (provider = oidcProvider('idp')) =>
  parse(find<V1ConfigMap>(render(provider).objects, 'ConfigMap').data?.['config.yaml'] ?? '') as Record<
    string,
    unknown
  >;

describe('renderProvider', () => {
  it('is pure: the same inputs give the same objects', () => {
    assert.deepEqual(render(), render());
  });

  it('owns every object with a controller owner reference and the app.kubernetes.io labels', () => {
    for (const object of render().objects) {
      assert.deepEqual(object.metadata?.ownerReferences, [
        {
          apiVersion: 'kubeoidc.dev/v1alpha1',
          kind: 'OIDCProvider',
          name: 'idp',
          uid: 'uid-idp',
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      assert.equal(object.metadata?.labels?.['app.kubernetes.io/managed-by'], 'kubeoidc-operator');
      assert.equal(object.metadata?.labels?.['app.kubernetes.io/instance'], 'idp');
      assert.equal(object.metadata?.namespace, 'default');
    }
  });

  const optionalCases: {
    name: string;
    spec: Parameters<typeof withSpec>[0];
    server: ServerCapabilities;
    kinds: string[];
  }[] = [
    {
      name: 'defaults on a 1.20 server',
      spec: {},
      server: old,
      kinds: ['ConfigMap', 'Secret', 'Deployment', 'Service', 'PodDisruptionBudget'],
    },
    {
      name: 'PDB disabled',
      spec: { podDisruptionBudget: { enabled: false } },
      server: old,
      kinds: ['ConfigMap', 'Secret', 'Deployment', 'Service'],
    },
    {
      name: 'HPA and ServiceMonitor on a current server',
      spec: { autoscaling: { enabled: true }, serviceMonitor: { enabled: true } },
      server: current,
      kinds: [
        'ConfigMap',
        'Secret',
        'Deployment',
        'Service',
        'PodDisruptionBudget',
        'HorizontalPodAutoscaler',
        'ServiceMonitor',
      ],
    },
    {
      name: 'ServiceMonitor asked for but its CRD missing',
      spec: { serviceMonitor: { enabled: true } },
      server: old,
      kinds: ['ConfigMap', 'Secret', 'Deployment', 'Service', 'PodDisruptionBudget'],
    },
  ];
  for (const c of optionalCases) {
    it(`renders the expected kinds: ${c.name}`, () => {
      const { objects } = render(oidcProvider('idp', withSpec(c.spec)), c.server);
      assert.deepEqual(
        objects.map((o) => o.kind),
        c.kinds,
      );
    });
  }

  it('uses the API versions the server serves', () => {
    const spec = withSpec({ autoscaling: { enabled: true } });
    const versions = (server: ServerCapabilities) =>
      render(oidcProvider('idp', spec), server)
        .objects.filter((o) => /Budget|Autoscaler/.test(o.kind ?? ''))
        .map((o) => o.apiVersion);
    assert.deepEqual(versions(old), ['policy/v1beta1', 'autoscaling/v2beta2']);
    assert.deepEqual(versions(current), ['policy/v1', 'autoscaling/v2']);
  });

  it('points the HPA at the OIDCProvider scale subresource', () => {
    const hpa = find<
      KubernetesObject & { spec: { scaleTargetRef: unknown; minReplicas: number; maxReplicas: number } }
    >(
      render(oidcProvider('idp', withSpec({ autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 7 } })), old)
        .objects,
      'HorizontalPodAutoscaler',
    );
    assert.deepEqual(hpa.spec.scaleTargetRef, {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCProvider',
      name: 'idp',
    });
    assert.equal(hpa.spec.minReplicas, 3);
    assert.equal(hpa.spec.maxReplicas, 7);
  });
});

describe('provider configuration (ConfigMap)', () => {
  const cases: {
    name: string;
    spec: Parameters<typeof withSpec>[0];
    check: (config: Record<string, unknown>) => void;
  }[] = [
    {
      name: 'issuer, redis url, key file, ports',
      spec: {},
      check: (config) => {
        assert.equal(config['issuer'], 'https://idp.example.com');
        assert.deepEqual(config['storage'], { type: 'redis', url: 'redis://redis:6379', keyPrefix: 'kubeoidc:' });
        assert.equal(config['keysFile'], '/etc/kubeoidc/keys/keys.json');
        assert.equal(config['port'], 3000);
      },
    },
    {
      name: 'sentinel with a key prefix',
      spec: { redis: { sentinel: { masterName: 'm', sentinels: ['s1:26379'] }, keyPrefix: 'a:' } },
      check: (config) => {
        assert.deepEqual(config['storage'], {
          type: 'redis',
          sentinel: { masterName: 'm', sentinels: ['s1:26379'] },
          keyPrefix: 'a:',
        });
      },
    },
    {
      name: 'redis URL from a Secret stays out of the ConfigMap',
      spec: { redis: { secretRef: { name: 'redis', key: 'url' } } },
      check: (config) => {
        assert.deepEqual(config['storage'], { type: 'redis', keyPrefix: 'kubeoidc:' });
      },
    },
    {
      name: 'ttl and features',
      spec: {
        ttl: { accessToken: 600 },
        features: { introspection: { enabled: true }, pushedAuthorizationRequests: { enabled: true, required: true } },
      },
      check: (config) => {
        const ttl = config['ttl'] as Record<string, number>;
        const features = config['features'] as Record<string, Record<string, boolean>>;
        assert.equal(ttl['accessToken'], 600);
        assert.equal(ttl['idToken'], 3600);
        assert.equal(features['introspection']?.['enabled'], true);
        assert.deepEqual(features['pushedAuthorizationRequests'], { enabled: true, required: true });
      },
    },
    {
      name: 'accounts file from the accounts Secret',
      spec: { accountsSecretRef: { name: 'accounts' } },
      check: (config) => {
        assert.deepEqual(config['accounts'], { file: '/etc/kubeoidc/accounts/accounts.yaml', records: [] });
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const config = configOf(oidcProvider('idp', withSpec(c.spec)));
      c.check(config);
      if (c.spec.redis?.secretRef === undefined) assert.doesNotThrow(() => validateConfig(config));
    });
  }

  it('refuses a spec whose configuration the provider would refuse', () => {
    assert.throws(() => render(oidcProvider('idp', withSpec({ issuer: 'http://idp.example.com' }))), /issuer/);
  });
});

describe('key Secret', () => {
  it('holds the key file and its public JWKS, with the rotation annotation', () => {
    const secret = find<V1Secret>(render().objects, 'Secret');
    const file = JSON.parse(Buffer.from(secret.data?.['keys.json'] ?? '', 'base64').toString()) as KeyFile;
    assert.deepEqual(file, keyFile);
    assert.equal(keyFileProblem(file), undefined);
    const jwks = JSON.parse(Buffer.from(secret.data?.['jwks.json'] ?? '', 'base64').toString()) as {
      keys: Record<string, unknown>[];
    };
    assert.deepEqual(jwks.keys, [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', alg: 'ES256', use: 'sig' }]);
    assert.equal(secret.metadata?.annotations?.['kubeoidc.dev/key-rotation'], '{}');
  });
});

describe('Deployment', () => {
  it('runs the provider with mounts, probes, rolling update, spread and a restricted security context', () => {
    const deployment = deploymentOf();
    const spec = deployment.spec!;
    const pod = spec.template.spec!;
    const container = pod.containers[0];
    assert.equal(spec.replicas, 2);
    assert.deepEqual(container.args, ['provider']);
    assert.equal(container.image, 'ghcr.io/kubeoidc/kubeoidc:0.1.0');
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    assert.equal(container.readinessProbe?.httpGet?.path, '/healthz/ready');
    assert.equal(container.livenessProbe?.httpGet?.path, '/healthz/live');
    assert.deepEqual(
      container.volumeMounts?.filter((m) => m.readOnly).map((m) => m.mountPath),
      ['/etc/kubeoidc/config', '/etc/kubeoidc/keys'],
    );
    assert.deepEqual(
      pod.volumes?.slice(0, 2).map((v) => v.configMap?.name ?? v.secret?.secretName),
      ['idp-config', 'idp-keys'],
    );
    assert.deepEqual(container.securityContext, {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.deepEqual(
      pod.topologySpreadConstraints?.map((t) => t.topologyKey),
      ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'],
    );
    assert.deepEqual(spec.selector.matchLabels, spec.template.metadata?.labels);
    assert.match(spec.template.metadata?.annotations?.[CONFIG_CHECKSUM_ANNOTATION] ?? '', /^[0-9a-f]{64}$/);
  });

  const checksum = (provider = oidcProvider('idp')) =>
    deploymentOf(provider).spec?.template.metadata?.annotations?.[CONFIG_CHECKSUM_ANNOTATION];
  const checksumCases: { name: string; spec: Parameters<typeof withSpec>[0]; rolls: boolean }[] = [
    { name: 'a ttl change', spec: { ttl: { accessToken: 60 } }, rolls: true },
    { name: 'a feature change', spec: { features: { revocation: { enabled: true } } }, rolls: true },
    { name: 'a new issuer', spec: { issuer: 'https://other.example.com' }, rolls: true },
    { name: 'a replica count change', spec: { replicas: 5 }, rolls: false },
    { name: 'new resources', spec: { resources: { requests: { cpu: '1' } } }, rolls: false },
  ];
  for (const c of checksumCases) {
    it(`${c.rolls ? 'rolls' : 'does not roll'} the pods on ${c.name}`, () => {
      assert.equal(checksum() !== checksum(oidcProvider('idp', withSpec(c.spec))), c.rolls);
    });
  }

  it('passes scheduling, resources, replicas, image and pod metadata from the spec', () => {
    const deployment = deploymentOf(
      oidcProvider(
        'idp',
        withSpec({
          replicas: 5,
          image: 'registry.local/kubeoidc:1',
          resources: { limits: { cpu: 2, memory: '1Gi' } },
          nodeSelector: { pool: 'idp' },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'idp', effect: 'NoSchedule' }],
          topologySpreadConstraints: [{ maxSkew: 2, topologyKey: 'rack', whenUnsatisfiable: 'DoNotSchedule' }],
          podAnnotations: { a: 'b' },
          podLabels: { team: 'id' },
          redis: { secretRef: { name: 'redis', key: 'url' } },
        }),
      ),
    );
    const pod = deployment.spec!.template;
    const container = pod.spec!.containers[0];
    assert.equal(deployment.spec?.replicas, 5);
    assert.equal(container.image, 'registry.local/kubeoidc:1');
    assert.deepEqual(container.resources, { limits: { cpu: '2', memory: '1Gi' } });
    assert.deepEqual(pod.spec?.nodeSelector, { pool: 'idp' });
    assert.equal(pod.spec?.tolerations?.[0]?.key, 'dedicated');
    assert.deepEqual(
      pod.spec?.topologySpreadConstraints?.map((t) => t.topologyKey),
      ['rack'],
    );
    assert.equal(pod.metadata?.annotations?.['a'], 'b');
    assert.equal(pod.metadata?.labels?.['team'], 'id');
    assert.deepEqual(container.env?.find((e) => e.name === 'KUBEOIDC_REDIS_URL')?.valueFrom, {
      secretKeyRef: { name: 'redis', key: 'url' },
    });
  });
});

describe('Ingress', () => {
  it('routes the issuer host to the Service, with class and TLS from the spec', () => {
    const spec = withSpec({
      ingress: { enabled: true, host: 'login.example.com', className: 'nginx', tls: { secretName: 'tls' } },
    });
    const ingress = find<V1Ingress>(render(oidcProvider('idp', spec)).objects, 'Ingress');
    assert.equal(ingress.spec?.ingressClassName, 'nginx');
    assert.deepEqual(ingress.spec?.tls, [{ hosts: ['login.example.com'], secretName: 'tls' }]);
    assert.equal(ingress.spec?.rules?.[0]?.host, 'login.example.com');
    assert.deepEqual(ingress.spec?.rules?.[0]?.http?.paths[0]?.backend.service, {
      name: 'idp',
      port: { name: 'http' },
    });
  });

  it('is not rendered when disabled', () => {
    assert.equal(
      render(oidcProvider('idp', withSpec({ ingress: { enabled: false, host: 'x' } }))).objects.some(
        (o) => o.kind === 'Ingress',
      ),
      false,
    );
  });
});

describe('Service', () => {
  it('exposes the protocol port and the metrics port, selecting the pods', () => {
    const service = find<V1Service>(
      render(oidcProvider('idp', withSpec({ service: { port: 8080, type: 'NodePort' } }))).objects,
      'Service',
    );
    assert.equal(service.spec?.type, 'NodePort');
    assert.deepEqual(
      service.spec?.ports?.map((p) => [p.name, p.port]),
      [
        ['http', 8080],
        ['metrics', 9464],
      ],
    );
    assert.equal(service.spec?.selector?.['app.kubernetes.io/instance'], 'idp');
  });
});

describe('samples in crds/samples/', () => {
  for (const file of ['oidcprovider-minimal.yaml', 'oidcprovider-production.yaml']) {
    it(`${file} renders without problems, into a configuration the provider accepts`, () => {
      const sample = sampleProvider(file);
      sample.metadata.namespace = 'default';
      sample.metadata.uid = 'uid';
      assert.deepEqual(specProblems(sample), []);
      const config = configOf(sample);
      assert.doesNotThrow(() => validateConfig(config));
      assert.equal(config['issuer'], sample.spec.issuer);
    });
  }
});
