/**
 * The CRD schemas reject invalid OIDCProviders and OIDCClients with messages that name the problem, on a real API
 * server (v1.20: OpenAPI validation only; the CEL rules need 1.25+ and are enforced by the operator).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../support/control-plane.ts';
import { installCrds } from '../support/crds.ts';
import { dryRunCreate, type Validation } from '../support/custom-resources.ts';

type Spec = Record<string, unknown>;

interface InvalidCase {
  /** What is wrong, as the test name. */
  name: string;
  kind: 'OIDCProvider' | 'OIDCClient';
  /** Changes a valid spec into the invalid one. */
  spec: (valid: Spec) => Spec;
  /** Substrings the error must contain. */
  expect: string[];
  /** Who rejects it (default: the API server alone). */
  validation?: Validation;
}

const validProvider = (): Spec => ({ issuer: 'https://login.example.com', redis: { url: 'redis://redis:6379' } });
const validClient = (): Spec => ({
  providerRef: { name: 'login' },
  redirectUris: ['https://app.example.com/callback'],
});

const cases: InvalidCase[] = [
  // OIDCProvider
  {
    name: 'plain http issuer on a public host',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, issuer: 'http://login.example.com' }),
    expect: ['spec.issuer', 'should match'],
  },
  {
    name: 'issuer with a fragment',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, issuer: 'https://login.example.com#x' }),
    expect: ['spec.issuer', 'should match'],
  },
  {
    name: 'issuer with a query',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, issuer: 'https://login.example.com/oidc?tenant=a' }),
    expect: ['spec.issuer', 'should match'],
  },
  {
    name: 'issuer with a trailing slash',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, issuer: 'https://login.example.com/' }),
    expect: ['spec.issuer', 'should match'],
  },
  {
    name: 'issuer that is not a URL',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, issuer: 'login.example.com' }),
    expect: ['spec.issuer', 'should match'],
  },
  {
    name: 'missing issuer',
    kind: 'OIDCProvider',
    spec: (s) => ({ redis: s['redis'] }),
    expect: ['spec.issuer', 'Required value'],
  },
  {
    name: 'negative replicas',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, replicas: -1 }),
    expect: ['spec.replicas', 'greater than or equal to 0'],
  },
  {
    name: 'missing redis',
    kind: 'OIDCProvider',
    spec: (s) => ({ issuer: s['issuer'] }),
    expect: ['spec.redis', 'Required value'],
  },
  {
    name: 'two Redis deployments at once',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, redis: { url: 'redis://redis:6379', cluster: { nodes: ['redis-0:6379'] } } }),
    expect: ['spec.redis', 'one and only one schema (oneOf)'],
  },
  {
    name: 'Redis URL with another scheme',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, redis: { url: 'http://redis:6379' } }),
    expect: ['spec.redis.url', 'should match'],
  },
  {
    name: 'sentinel address without a port',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, redis: { sentinel: { masterName: 'm', sentinels: ['sentinel-0'] } } }),
    expect: ['spec.redis.sentinel.sentinels', 'should match'],
  },
  {
    name: 'key prefix with a hash tag',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, redis: { url: 'redis://redis:6379', keyPrefix: '{kubeoidc}:' } }),
    expect: ['spec.redis.keyPrefix', 'should match'],
  },
  {
    name: 'unknown feature (kubectl)',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, features: { implicitFlow: { enabled: true } } }),
    expect: ['unknown field "implicitFlow"'],
    validation: 'kubectl',
  },
  {
    name: 'feature given as a bare boolean',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, features: { introspection: true } }),
    expect: ['spec.features.introspection', 'must be of type object'],
  },
  {
    name: 'authorization code lifetime above 10 minutes',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, ttl: { authorizationCode: 3600 } }),
    expect: ['spec.ttl.authorizationCode', 'less than or equal to 600'],
  },
  {
    name: 'zero access token lifetime',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, ttl: { accessToken: 0 } }),
    expect: ['spec.ttl.accessToken', 'greater than or equal to 60'],
  },
  {
    name: 'symmetric signing algorithm',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { algorithms: ['HS256'] } }),
    expect: ['spec.signing.algorithms', 'Unsupported value: "HS256"'],
  },
  {
    name: 'no signing algorithm',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { algorithms: [] } }),
    expect: ['spec.signing.algorithms', 'at least 1 items'],
  },
  {
    name: 'rotation period that is not a duration',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { rotationPeriod: '30 days' } }),
    expect: ['spec.signing.rotationPeriod', 'should match'],
  },
  {
    name: 'propagation delay in days (not a Go duration)',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { propagationDelay: '1d' } }),
    expect: ['spec.signing.propagationDelay', 'should match'],
  },
  {
    name: 'retention margin that is not a Go duration',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { retention: { podPropagationMargin: '5 min' } } }),
    expect: ['spec.signing.retention.podPropagationMargin', 'should match'],
  },
  {
    name: 'negative clock skew margin',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, signing: { retention: { clockSkewMargin: '-5m' } } }),
    expect: ['spec.signing.retention.clockSkewMargin', 'should match'],
  },
  {
    name: 'both minAvailable and maxUnavailable',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } }),
    expect: ['spec.podDisruptionBudget', 'must not validate the schema (not)'],
  },
  {
    name: 'service port out of range',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, service: { port: 70000 } }),
    expect: ['spec.service.port', 'less than or equal to 65535'],
  },
  {
    name: 'unknown service type',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, service: { type: 'ExternalName' } }),
    expect: ['spec.service.type', 'Unsupported value: "ExternalName"'],
  },
  {
    name: 'ingress host with a scheme',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, ingress: { enabled: true, host: 'https://login.example.com' } }),
    expect: ['spec.ingress.host', 'should match'],
  },
  {
    name: 'CPU target above 100 percent',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, autoscaling: { enabled: true, targetCPUUtilizationPercentage: 150 } }),
    expect: ['spec.autoscaling.targetCPUUtilizationPercentage', 'less than or equal to 100'],
  },
  {
    name: 'unknown log level',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, logLevel: 'verbose' }),
    expect: ['spec.logLevel', 'Unsupported value: "verbose"'],
  },
  {
    name: 'unknown image pull policy',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, imagePullPolicy: 'Sometimes' }),
    expect: ['spec.imagePullPolicy', 'Unsupported value: "Sometimes"'],
  },
  {
    name: 'toleration with an unknown operator',
    kind: 'OIDCProvider',
    spec: (s) => ({ ...s, tolerations: [{ key: 'k', operator: 'In', value: 'v' }] }),
    expect: ['spec.tolerations.operator', 'Unsupported value: "In"'],
  },
  // OIDCClient
  {
    name: 'missing providerRef',
    kind: 'OIDCClient',
    spec: (s) => ({ redirectUris: s['redirectUris'] }),
    expect: ['spec.providerRef', 'Required value'],
  },
  {
    name: 'redirect URI over plain http on a public host',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, redirectUris: ['http://app.example.com/callback'] }),
    expect: ['spec.redirectUris', 'should match'],
  },
  {
    name: 'redirect URI with a fragment',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, redirectUris: ['https://app.example.com/callback#done'] }),
    expect: ['spec.redirectUris', 'should match'],
  },
  {
    name: 'redirect URI on a loopback look-alike host',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, redirectUris: ['http://localhost.evil.example/callback'] }),
    expect: ['spec.redirectUris', 'should match'],
  },
  {
    name: 'custom scheme that is not reverse-domain',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, redirectUris: ['myapp:/callback'] }),
    expect: ['spec.redirectUris', 'should match'],
  },
  {
    name: 'post-logout redirect URI over plain http',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, postLogoutRedirectUris: ['http://app.example.com/'] }),
    expect: ['spec.postLogoutRedirectUris', 'should match'],
  },
  {
    name: 'implicit grant',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, grantTypes: ['implicit'] }),
    expect: ['spec.grantTypes', 'Unsupported value: "implicit"'],
  },
  {
    name: 'password grant',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, grantTypes: ['authorization_code', 'password'] }),
    expect: ['spec.grantTypes', 'Unsupported value: "password"'],
  },
  {
    name: 'token response type',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, responseTypes: ['code', 'token'] }),
    expect: ['spec.responseTypes', 'Unsupported value: "token"'],
  },
  {
    name: 'unknown token endpoint auth method',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, tokenEndpointAuthMethod: 'tls_client_auth' }),
    expect: ['spec.tokenEndpointAuthMethod', 'Unsupported value: "tls_client_auth"'],
  },
  {
    name: 'both jwks and jwksUri',
    kind: 'OIDCClient',
    spec: (s) => ({
      ...s,
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
      jwksUri: 'https://app.example.com/jwks.json',
    }),
    expect: ['spec', 'must not validate the schema (not)'],
  },
  {
    name: 'jwksUri over plain http',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, jwksUri: 'http://app.example.com/jwks.json' }),
    expect: ['spec.jwksUri', 'should match'],
  },
  {
    name: 'symmetric key in jwks',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }),
    expect: ['spec.jwks.keys.kty', 'Unsupported value: "oct"'],
  },
  {
    name: 'EC key without its y coordinate (what a bare YAML `y:` turns into)',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'abc', true: 'def' }] } }),
    expect: ['spec.jwks.keys', 'one and only one schema (oneOf)'],
  },
  {
    name: 'RSA key without its exponent',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, jwks: { keys: [{ kty: 'RSA', n: 'abc' }] } }),
    expect: ['spec.jwks.keys', 'one and only one schema (oneOf)'],
  },
  {
    name: 'client id with a space',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, clientId: 'my app' }),
    expect: ['spec.clientId', 'should match'],
  },
  {
    name: 'scope with a space',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, scopes: ['openid profile'] }),
    expect: ['spec.scopes', 'should match'],
  },
  {
    name: 'access token lifetime below a minute',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, lifetimes: { accessToken: 10 } }),
    expect: ['spec.lifetimes.accessToken', 'greater than or equal to 60'],
  },
  {
    name: 'unknown access token format',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, accessTokenFormat: 'paseto' }),
    expect: ['spec.accessTokenFormat', 'Unsupported value: "paseto"'],
  },
  {
    name: 'unknown deletion policy',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, deletionPolicy: 'Retain' }),
    expect: ['spec.deletionPolicy', 'Unsupported value: "Retain"'],
  },
  {
    name: 'Secret key name with invalid characters',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, secret: { clientSecretKey: 'client secret!' } }),
    expect: ['spec.secret.clientSecretKey', 'should match'],
  },
  {
    name: 'Secret name that is not a DNS subdomain',
    kind: 'OIDCClient',
    spec: (s) => ({ ...s, secret: { name: 'My_Secret' } }),
    expect: ['spec.secret.name', 'should match'],
  },
];

describe('CRD schemas reject invalid resources (real kube-apiserver)', () => {
  let cp: ControlPlane | undefined;
  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp);
  });
  after(async () => {
    await cp?.stop();
  });

  for (const c of cases) {
    it(`${c.kind}: ${c.name}`, async () => {
      const valid = c.kind === 'OIDCProvider' ? validProvider() : validClient();
      const object = {
        apiVersion: 'kubeoidc.dev/v1alpha1',
        kind: c.kind,
        metadata: { name: 'invalid', namespace: 'default' },
        spec: c.spec(valid),
      };
      const result = await dryRunCreate(cp!, object, c.validation);
      assert.notEqual(result.code, 0, `accepted: ${result.stdout}`);
      for (const part of c.expect) assert.ok(result.stderr.includes(part), `"${part}" not in: ${result.stderr}`);
    });
  }

  it('the unmodified base objects are accepted (so each rejection is due to its change)', async () => {
    for (const [kind, spec] of [
      ['OIDCProvider', validProvider()],
      ['OIDCClient', validClient()],
    ] as const) {
      const object = {
        apiVersion: 'kubeoidc.dev/v1alpha1',
        kind,
        metadata: { name: 'valid', namespace: 'default' },
        spec,
      };
      const result = await dryRunCreate(cp!, object, 'kubectl');
      assert.equal(result.code, 0, result.stderr);
    }
  });

  it('an unknown field sent past kubectl is pruned by the server, never stored', async () => {
    const object = {
      apiVersion: 'kubeoidc.dev/v1alpha1',
      kind: 'OIDCProvider',
      metadata: { name: 'pruned', namespace: 'default' },
      spec: { ...validProvider(), features: { implicitFlow: { enabled: true } } },
    };
    const result = await dryRunCreate(cp!, object, 'server');
    assert.equal(result.code, 0, result.stderr);
    const stored = JSON.parse(result.stdout) as { spec: { features: Record<string, unknown> } };
    assert.equal(stored.spec.features['implicitFlow'], undefined);
    assert.deepEqual(stored.spec.features['introspection'], { enabled: true });
  });
});
