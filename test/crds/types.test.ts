/**
 * operator/kube/crds.ts matches the CRD schemas field for field.
 *
 * How: fixtures typed `DeepRequired<...>` must set every field the TypeScript types declare (the compiler checks that,
 * and rejects keys the types do not know); ajv, rejecting undeclared fields, checks that the schema has them all;
 * and a walk of the schema checks that the fixtures set every field it declares. Enum unions are compared with the
 * schema's enums the same way. Run `npx tsc -p tsconfig.json` for the compile-time half.
 */
// The fixtures are plain JSON, as objects read from the API server are, also where the types borrow client-node's
// model classes (affinity, topology spread).
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Affinity, V1ObjectMeta, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import type {
  Condition,
  GrantType,
  LogLevel,
  OIDCClientSpec,
  OIDCClientStatus,
  OIDCProviderSpec,
  OIDCProviderStatus,
  ResponseType,
  SigningAlgorithm,
  TokenEndpointAuthMethod,
} from '../../operator/kube/crds.ts';
import { API_VERSION, OIDC_CLIENT, OIDC_PROVIDER } from '../../operator/kube/crds.ts';
import { crdValidator } from '../support/crd-ajv.ts';
import { crdSchema, type JsonSchema } from '../support/crds.ts';

/** Kubernetes-native types the schema passes through (preserve-unknown-fields): not expanded. */
type Opaque = V1Affinity | V1TopologySpreadConstraint | V1ObjectMeta;

/** Every optional field made required, recursively (but not inside {@link Opaque} types). */
type DeepRequired<T> = T extends Opaque
  ? T
  : T extends readonly (infer U)[]
    ? DeepRequired<U>[]
    : T extends object
      ? { [K in keyof T]-?: DeepRequired<T[K]> }
      : T;

/** Compiles only when `A` lists every member of the union `T`. */
type Exhaustive<T, A extends readonly T[]> = [T] extends [A[number]] ? A : never;

const condition: DeepRequired<Condition> = {
  type: 'Ready',
  status: 'True',
  observedGeneration: 3,
  lastTransitionTime: '2026-11-27T12:00:00Z',
  reason: 'Available',
  message: 'all replicas ready',
};

const secretRef = { name: 'redis-auth', key: 'password' };

// Mutually exclusive fields (redis sources, minAvailable/maxUnavailable) are all set on purpose: this fixture is
// about names and types, and is validated without oneOf/not.
const providerSpec: DeepRequired<OIDCProviderSpec> = {
  issuer: 'https://login.example.com',
  replicas: 3,
  image: 'ghcr.io/kubeoidc/kubeoidc:0.1.0',
  imagePullPolicy: 'Always',
  redis: {
    url: 'redis://redis:6379',
    secretRef,
    sentinel: { masterName: 'kubeoidc', sentinels: ['sentinel-0:26379'] },
    cluster: { nodes: ['redis-0:6379'] },
    passwordSecretRef: secretRef,
    keyPrefix: 'kubeoidc:',
    commandTimeoutMs: 1000,
  },
  ttl: {
    authorizationCode: 60,
    accessToken: 3600,
    clientCredentials: 600,
    deviceCode: 600,
    idToken: 3600,
    refreshToken: 1209600,
    session: 1209600,
    grant: 1209600,
    interaction: 3600,
  },
  features: {
    registration: { enabled: true },
    introspection: { enabled: true, allowedClients: ['api-gateway'] },
    revocation: { enabled: true },
    deviceFlow: { enabled: false },
    pushedAuthorizationRequests: { enabled: true, required: true },
    backchannelLogout: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    claimsParameter: { enabled: false },
    resourceIndicators: { enabled: false },
    jwtAccessTokens: { enabled: true },
  },
  signing: {
    algorithms: ['RS256', 'ES256'],
    rotationPeriod: '720h',
    propagationDelay: '1h',
    retention: { podPropagationMargin: '5m', clockSkewMargin: '5m' },
  },
  accountsSecretRef: { name: 'accounts', key: 'accounts.yaml' },
  resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '100m', memory: 134217728 } },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  affinity: { podAntiAffinity: {} },
  tolerations: [
    { key: 'dedicated', operator: 'Equal', value: 'identity', effect: 'NoSchedule', tolerationSeconds: 30 },
  ],
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { app: 'x' } },
    },
  ],
  podAnnotations: { a: 'b' },
  podLabels: { c: 'd' },
  service: { type: 'LoadBalancer', port: 443, annotations: { e: 'f' } },
  ingress: {
    enabled: true,
    className: 'nginx',
    host: 'login.example.com',
    tls: { secretName: 'tls' },
    annotations: { g: 'h' },
  },
  registrationEndpoint: { url: 'https://login.example.com', caSecretRef: { name: 'ca', key: 'ca.crt' } },
  podDisruptionBudget: { enabled: true, minAvailable: '50%', maxUnavailable: 1 },
  autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 75 },
  serviceMonitor: { enabled: true, interval: '30s', labels: { release: 'prometheus' } },
  trustedProxies: ['10.42.0.0/16'],
  outbound: { allow: ['10.42.0.0/16', 'jwks.internal.example'] },
  logLevel: 'debug',
  metrics: { maxClientLabels: 20 },
};

const providerStatus: DeepRequired<OIDCProviderStatus> = {
  conditions: [condition],
  observedGeneration: 3,
  replicas: 3,
  readyReplicas: 2,
  selector: 'app.kubernetes.io/instance=login',
  issuer: 'https://login.example.com',
  activeKeyIds: ['k1'],
  publishedKeyIds: ['k1', 'k2'],
  nextRotationTime: '2026-12-27T12:00:00Z',
};

const clientSpec: DeepRequired<OIDCClientSpec> = {
  providerRef: { name: 'login' },
  clientId: 'web',
  clientName: 'Web',
  redirectUris: ['https://app.example.com/cb'],
  postLogoutRedirectUris: ['https://app.example.com/'],
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  scopes: ['openid'],
  tokenEndpointAuthMethod: 'private_key_jwt',
  jwks: {
    keys: [{ kty: 'EC', crv: 'P-256', x: 'abc', y: 'def', n: 'ghi', e: 'AQAB', kid: 'k', use: 'sig', alg: 'ES256' }],
  },
  jwksUri: 'https://app.example.com/jwks.json',
  backchannelLogoutUri: 'https://app.example.com/logout',
  accessTokenFormat: 'jwt',
  idTokenSignedResponseAlg: 'ES256',
  lifetimes: { accessToken: 600, refreshToken: 86400, idToken: 600 },
  secret: {
    name: 'web-oidc',
    clientIdKey: 'CLIENT_ID',
    clientSecretKey: 'CLIENT_SECRET',
    issuerUrlKey: 'ISSUER_URL',
    discoveryUrlKey: 'DISCOVERY_URL',
    labels: { a: 'b' },
    annotations: { c: 'd' },
  },
  deletionPolicy: 'Orphan',
  metrics: { label: true },
};

const clientStatus: DeepRequired<OIDCClientStatus> = {
  conditions: [condition],
  clientId: 'web',
  secretName: 'web-oidc',
  observedGeneration: 1,
};

/** Dotted paths of every declared field below `schema` (array items as `[]`), skipping pass-through objects. */
function schemaPaths(schema: JsonSchema, prefix: string): string[] {
  const paths: string[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}.${key}`;
    paths.push(path);
    if (child.items) paths.push(...schemaPaths(child.items, `${path}[]`));
    else paths.push(...schemaPaths(child, path));
  }
  return paths;
}

/** The value at a path from {@link schemaPaths} (`[]` takes the first element). */
function valueAt(object: unknown, path: string): unknown {
  let value = object;
  for (const segment of path.split('.').slice(1)) {
    const name = segment.replace(/\[\]$/, '');
    value = (value as Record<string, unknown> | undefined)?.[name];
    if (segment !== name) value = (value as unknown[] | undefined)?.[0];
  }
  return value;
}

const cases = [
  { kind: OIDC_PROVIDER.kind, spec: providerSpec, status: providerStatus },
  { kind: OIDC_CLIENT.kind, spec: clientSpec, status: clientStatus },
];

describe('operator/kube/crds.ts types match the CRD schemas', () => {
  for (const { kind, spec, status } of cases) {
    const object = { apiVersion: API_VERSION, kind, metadata: { name: 'fixture', namespace: 'default' }, spec, status };

    it(`${kind}: a fixture with every typed field is valid and declares nothing the schema lacks`, () => {
      const validate = crdValidator(kind, { rejectUnknownFields: true, withoutJunctors: true });
      assert.deepEqual(validate(object), []);
    });

    it(`${kind}: the fixture sets every field the schema declares`, () => {
      const schema = crdSchema(kind);
      const missing = ['spec', 'status'].flatMap((part) =>
        schemaPaths(schema.properties![part], part)
          .map((path) => `.${path}`)
          .filter((path) => valueAt(object, path) === undefined),
      );
      assert.deepEqual(missing, []);
    });
  }

  it('the offline validator does reject an undeclared field (so the checks above can fail)', () => {
    const validate = crdValidator(OIDC_PROVIDER.kind, { rejectUnknownFields: true, withoutJunctors: true });
    const object = {
      apiVersion: API_VERSION,
      kind: OIDC_PROVIDER.kind,
      metadata: {},
      spec: { ...providerSpec, ttl: { ...providerSpec.ttl, pushedAuthorizationRequest: 60 } },
    };
    assert.deepEqual(validate(object), ['/spec/ttl must NOT have additional properties']);
  });
});

describe('enum unions match the CRD enums', () => {
  const enumAt = (kind: string, path: string): unknown => {
    let node: JsonSchema | undefined = crdSchema(kind);
    for (const segment of path.split('.')) node = segment === '[]' ? node?.items : node?.properties?.[segment];
    return node?.enum;
  };

  const pullPolicies = ['Always', 'IfNotPresent', 'Never'] as const;
  const algorithms = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
  const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
  const serviceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
  const grantTypes = [
    'authorization_code',
    'refresh_token',
    'client_credentials',
    'urn:ietf:params:oauth:grant-type:device_code',
  ] as const;
  const responseTypes = ['code', 'none'] as const;
  const authMethods = [
    'client_secret_basic',
    'client_secret_post',
    'client_secret_jwt',
    'private_key_jwt',
    'none',
  ] as const;
  const tokenFormats = ['opaque', 'jwt'] as const;
  const deletionPolicies = ['Delete', 'Orphan'] as const;
  const conditionStatuses = ['True', 'False', 'Unknown'] as const;

  const table: [string, string, readonly string[]][] = [
    [
      'OIDCProvider',
      'spec.imagePullPolicy',
      pullPolicies satisfies Exhaustive<NonNullable<OIDCProviderSpec['imagePullPolicy']>, typeof pullPolicies>,
    ],
    [
      'OIDCProvider',
      'spec.signing.algorithms.[]',
      algorithms satisfies Exhaustive<SigningAlgorithm, typeof algorithms>,
    ],
    ['OIDCProvider', 'spec.logLevel', logLevels satisfies Exhaustive<LogLevel, typeof logLevels>],
    [
      'OIDCProvider',
      'spec.service.type',
      serviceTypes satisfies Exhaustive<
        NonNullable<NonNullable<OIDCProviderSpec['service']>['type']>,
        typeof serviceTypes
      >,
    ],
    [
      'OIDCProvider',
      'status.conditions.[].status',
      conditionStatuses satisfies Exhaustive<Condition['status'], typeof conditionStatuses>,
    ],
    ['OIDCClient', 'spec.grantTypes.[]', grantTypes satisfies Exhaustive<GrantType, typeof grantTypes>],
    ['OIDCClient', 'spec.responseTypes.[]', responseTypes satisfies Exhaustive<ResponseType, typeof responseTypes>],
    [
      'OIDCClient',
      'spec.tokenEndpointAuthMethod',
      authMethods satisfies Exhaustive<TokenEndpointAuthMethod, typeof authMethods>,
    ],
    ['OIDCClient', 'spec.idTokenSignedResponseAlg', algorithms],
    [
      'OIDCClient',
      'spec.accessTokenFormat',
      tokenFormats satisfies Exhaustive<NonNullable<OIDCClientSpec['accessTokenFormat']>, typeof tokenFormats>,
    ],
    [
      'OIDCClient',
      'spec.deletionPolicy',
      deletionPolicies satisfies Exhaustive<NonNullable<OIDCClientSpec['deletionPolicy']>, typeof deletionPolicies>,
    ],
    ['OIDCClient', 'status.conditions.[].status', conditionStatuses],
  ];

  for (const [kind, path, values] of table) {
    it(`${kind} ${path}`, () => {
      assert.deepEqual(enumAt(kind, path), [...values]);
    });
  }
});
